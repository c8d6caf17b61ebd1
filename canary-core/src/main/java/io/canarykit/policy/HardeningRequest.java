package io.canarykit.policy;

import io.canarykit.CredentialKind;

import java.util.Objects;

/**
 * What a {@link PolicyHardener} needs to know about the canary principal.
 *
 * @param kind          the credential kind
 * @param accountId     the account that holds the principal
 * @param principalName the principal name
 * @param path          the IAM path of a user, or {@code null}
 * @param roleArn       the canary role, for assumed-role canaries, or {@code null}
 * @param issuerArn     the principal that issues canaries (trusted by the canary role), or {@code null}
 */
public record HardeningRequest(CredentialKind kind, String accountId, String principalName, String path, String roleArn,
                               String issuerArn) {
    public HardeningRequest {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(principalName, "principalName");
    }
}
