package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link PolicyHardener} needs to know about the canary principal.
 *
 * @param kind          the credential kind
 * @param accountId     the account that holds the principal
 * @param principalName the principal name (IAM user name, RoleSessionName or federated user name)
 * @param path          the IAM path of a user, or {@code null} for {@code /}
 * @param roleArn       the canary role, for assumed-role canaries, or {@code null}
 * @param issuerArn     the principal that issues canaries (trusted by the canary role), or {@code null}
 *
 * @since 0.1.0
 */
public record HardeningRequest(CredentialKind kind, String accountId, String principalName, @Nullable String path,
                               @Nullable String roleArn, @Nullable String issuerArn) {
    public HardeningRequest {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(principalName, "principalName");
        Principal.requireAccount(accountId);
    }

    /** A request for an IAM user canary. */
    public static HardeningRequest iamUser(String accountId, String userName, @Nullable String path) {
        return new HardeningRequest(CredentialKind.IAM_USER, accountId, userName, path, null, null);
    }

    /** A request for an assumed-role canary: the session name, the canary role and the issuer allowed to assume it. */
    public static HardeningRequest assumedRole(String accountId, String sessionName, String roleArn, String issuerArn) {
        return new HardeningRequest(CredentialKind.ASSUMED_ROLE, accountId, sessionName, null, roleArn, issuerArn);
    }

    /** A request for a federation-token canary. */
    public static HardeningRequest federationToken(String accountId, String federatedUserName, String issuerArn) {
        return new HardeningRequest(CredentialKind.FEDERATION_TOKEN, accountId, federatedUserName, null, null,
                issuerArn);
    }

    /** The ARN the canary principal will have as {@code GetCallerIdentity} shows it. */
    public String principalArn(String partition) {
        return switch (kind) {
            case IAM_USER -> "arn:" + partition + ":iam::" + accountId + ":user" + (path == null || path.isEmpty()
                    ? "/" : path) + principalName;
            case ASSUMED_ROLE -> "arn:" + partition + ":sts::" + accountId + ":assumed-role/"
                    + roleName() + "/" + principalName;
            case FEDERATION_TOKEN -> "arn:" + partition + ":sts::" + accountId + ":federated-user/" + principalName;
        };
    }

    /**
     * The name of the canary role (the last segment of {@code roleArn}).
     *
     * @throws CanaryConfigurationException if {@code roleArn} is not set
     */
    public String roleName() {
        if (roleArn == null || roleArn.lastIndexOf('/') < 0) {
            throw new CanaryConfigurationException("an assume-role canary needs the canary role's ARN, such as "
                    + "arn:aws:iam::111122223333:role/ci-deploy; got " + roleArn);
        }
        return roleArn.substring(roleArn.lastIndexOf('/') + 1);
    }

    /** The ARN the canary principal will have, in the {@code aws} partition. */
    public String principalArn() {
        return principalArn("aws");
    }
}
