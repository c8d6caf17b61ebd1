package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What matching a use to a canary needs: its access key id and principal ARN, and when its credential was valid.
 * Short-term access key ids are not unique, so a use matches only within {@code validFrom .. validUntil}.
 *
 * @param canaryId     the canary
 * @param accessKeyId  its access key id, or {@code null} (then only the principal ARN can match)
 * @param principalArn its principal's ARN as CloudTrail shows it, or {@code null}
 * @param validFrom    when the credential was issued
 * @param validUntil   when it expired or was closed, or {@code null} while it is valid
 *
 * @since 0.1.0
 */
public record CanaryKey(CanaryId canaryId, @Nullable String accessKeyId, @Nullable String principalArn,
                        Instant validFrom, @Nullable Instant validUntil) {
    public CanaryKey {
        Objects.requireNonNull(canaryId, "canaryId");
        Objects.requireNonNull(validFrom, "validFrom");
        if (accessKeyId == null && principalArn == null) {
            throw new IllegalArgumentException("canary " + canaryId + " has neither an access key id nor a principal ARN:"
                    + " nothing could ever match it");
        }
        if (validUntil != null && validUntil.isBefore(validFrom)) {
            throw new IllegalArgumentException("canary " + canaryId + " is valid until " + validUntil
                    + ", before it was issued (" + validFrom + ")");
        }
    }

    /** The key of a stored canary: valid from issue (or creation) to {@link CanaryRecord#validUntil()}. */
    public static CanaryKey of(CanaryRecord r) {
        return new CanaryKey(r.id(), r.accessKeyId(), r.principal().arn(), r.windowStart(), r.validUntil());
    }

    /** True if the credential was valid at {@code t}, allowing {@code skew} either side for clocks that disagree. */
    public boolean validAt(Instant t, Duration skew) {
        if (t.plus(skew).isBefore(validFrom)) {
            return false;
        }
        return validUntil == null || !t.minus(skew).isAfter(validUntil);
    }
}
