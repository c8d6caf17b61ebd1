package io.canarykit.fingerprint;

import org.jspecify.annotations.Nullable;

/**
 * The parts of a principal ARN that matter for fingerprinting. Package-private plumbing.
 *
 * @param accountId the account field, {@code null} when the ARN has none of 12 digits
 * @param path      the IAM path of a user or role ({@code /} or {@code /a/b/}), {@code null} for STS principals
 * @param roleName  the role of an assumed-role session or a role ARN, else {@code null}
 * @param name      the user, session or federated user name, {@code null} for the root user or unknown forms
 */
record Arn(@Nullable String accountId, @Nullable String path, @Nullable String roleName, @Nullable String name) {

    /** Parses {@code arn:partition:service:region:account:resource}; {@code null} when it is not an ARN. */
    static @Nullable Arn parse(@Nullable String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        String[] f = arn.split(":", 6);
        if (f.length < 6) {
            return null;
        }
        String account = isAccount(f[4]) ? f[4] : null;
        String resource = f[5];
        if (resource.startsWith("user/") || resource.startsWith("role/")) {
            String rest = resource.substring(5);
            int slash = rest.lastIndexOf('/');
            String path = slash < 0 ? "/" : "/" + rest.substring(0, slash + 1);
            String last = rest.substring(slash + 1);
            return resource.startsWith("user/") ? new Arn(account, path, null, last) : new Arn(account, path, last, null);
        }
        if (resource.startsWith("assumed-role/")) {
            String rest = resource.substring("assumed-role/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? new Arn(account, null, rest, null)
                    : new Arn(account, null, rest.substring(0, slash), rest.substring(slash + 1));
        }
        if (resource.startsWith("federated-user/")) {
            return new Arn(account, null, null, resource.substring("federated-user/".length()));
        }
        return new Arn(account, null, null, null);
    }

    private static boolean isAccount(String s) {
        if (s.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
