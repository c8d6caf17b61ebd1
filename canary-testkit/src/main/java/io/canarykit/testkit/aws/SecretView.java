package io.canarykit.testkit.aws;

import io.canarykit.Secret;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one Secrets Manager secret, for tests that assert what a placement wrote or that nothing was left
 * behind. The value is a {@link Secret}, so that a failing assertion never prints it.
 *
 * @param accountId    the account
 * @param region       the region
 * @param arn          the ARN (with AWS's six-character suffix)
 * @param name         the name
 * @param description  the description, or {@code null}
 * @param kmsKeyId     the KMS key id given at creation, or {@code null} (the default key)
 * @param tags         tags, in the order set
 * @param currentValue the {@code AWSCURRENT} version's string, or {@code null} when the secret has no value
 * @param versions     how many versions carry a staging label ({@code AWSCURRENT}, {@code AWSPREVIOUS})
 * @param deletedDate  when deletion was scheduled, or {@code null}
 * @param deletionDate when it will be (or was) purged, or {@code null}
 *
 * @since 0.1.0
 */
public record SecretView(String accountId, String region, String arn, String name, @Nullable String description,
                         @Nullable String kmsKeyId, Map<String, String> tags, @Nullable Secret currentValue,
                         int versions, @Nullable Instant deletedDate, @Nullable Instant deletionDate) {
    /** True when deletion is scheduled (the secret refuses reads and writes until restored or purged). */
    public boolean scheduledForDeletion() {
        return deletedDate != null;
    }
}
