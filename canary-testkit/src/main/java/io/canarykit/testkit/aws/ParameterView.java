package io.canarykit.testkit.aws;

import io.canarykit.Secret;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one SSM Parameter Store parameter, for tests that assert what a placement wrote or that nothing was
 * left behind. Values are {@link Secret}s, so that a failing assertion never prints them.
 *
 * @param accountId    the account
 * @param region       the region
 * @param arn          the ARN
 * @param name         the name, such as {@code /prod/billing/aws-credentials}
 * @param type         {@code String}, {@code StringList} or {@code SecureString}
 * @param keyId        the KMS key of a {@code SecureString}, or {@code null}
 * @param tier         {@code Standard} or {@code Advanced}
 * @param description  the description, or {@code null}
 * @param tags         tags, in the order set
 * @param value        the current value
 * @param history      every value, oldest first (the current one last), as {@code GetParameterHistory} keeps them
 * @param version      the current version (1 for a new parameter)
 * @param lastModified when the current version was written
 *
 * @since 0.1.0
 */
public record ParameterView(String accountId, String region, String arn, String name, String type,
                            @Nullable String keyId, String tier, @Nullable String description, Map<String, String> tags, Secret value,
                            List<Secret> history, long version, Instant lastModified) {
}
