package io.canarykit;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The AWS principal a canary credential belongs to.
 *
 * @param accountId the 12-digit account id
 * @param arn       the principal's ARN as CloudTrail and {@code GetCallerIdentity} show it
 * @param name      the principal name: the IAM user name, the RoleSessionName or the federated user name
 * @param path      the IAM path of an IAM user ({@code /} or {@code /a/b/}), {@code null} for STS principals
 *
 * @since 0.1.0
 */
public record Principal(String accountId, String arn, String name, @Nullable String path) {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    public Principal {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(name, "name");
        requireAccount(accountId);
        if (!arn.startsWith("arn:")) {
            throw new CanaryConfigurationException("invalid principal ARN '" + arn + "': an ARN starts with 'arn:'");
        }
    }

    /** An IAM user {@code arn:aws:iam::<account>:user/<path><name>}. */
    public static Principal iamUser(String accountId, @Nullable String path, String userName) {
        String p = path == null || path.isEmpty() ? "/" : path;
        return new Principal(accountId, "arn:aws:iam::" + accountId + ":user" + p + userName, userName, p);
    }

    /** An assumed-role session {@code arn:aws:sts::<account>:assumed-role/<role>/<session>}. */
    public static Principal assumedRole(String accountId, String roleName, String sessionName) {
        return new Principal(accountId, "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName,
                sessionName, null);
    }

    /** A federated user {@code arn:aws:sts::<account>:federated-user/<name>}. */
    public static Principal federatedUser(String accountId, String name) {
        return new Principal(accountId, "arn:aws:sts::" + accountId + ":federated-user/" + name, name, null);
    }

    /** Checks a 12-digit account id and returns it. */
    public static String requireAccount(String accountId) {
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new CanaryConfigurationException("invalid AWS account id '" + accountId
                    + "': an account id is exactly 12 digits, leading zeros included, such as 012345678901");
        }
        return accountId;
    }
}
