package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling, as an authenticator proved it. The {@link #name()} is the caller's identity everywhere: canaries it
 * issues are owned by that name, its permissions are configured under that name, and the audit log records it.
 * Authenticators that derive names from external identities (OIDC subjects, certificate subjects) put a scheme prefix
 * in the name ({@code github:org/repo}) so that they never collide with configured callers.
 *
 * @param name        the caller's name: 1-128 characters of letters, digits and {@code . _ @ : / + = -}
 * @param scheme      how it was authenticated, such as {@code bearer} or {@code hmac}
 * @param claims      facts the authenticator vouches for (for example a CI run's repository and run id); never
 *                    secrets; may be empty
 * @param permissions the caller's permissions when the authenticator decides them itself (an OIDC policy), or
 *                    {@code null} to use those configured for {@link #name()}
 * @param scope       what the caller's canaries are bound to when its credentials decide it (a CI run: the asset, the
 *                    lifetime), or {@code null} when requests name their asset
 *
 * @since 0.1.0
 */
public record CallerIdentity(String name, String scheme, Map<String, String> claims,
                             @Nullable CallerPermissions permissions, @Nullable IssuanceScope scope) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:/+=-]{1,128}");

    public CallerIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scheme, "scheme");
        if (!NAME.matcher(name).matches()) {
            throw new CanaryConfigurationException("invalid caller name '" + Excerpt.of(name)
                    + "': use 1-128 letters, digits or . _ @ : / + = -");
        }
        claims = Map.copyOf(new LinkedHashMap<>(claims == null ? Map.of() : claims));
    }

    /** An identity bound to no asset: its requests name their assets. */
    public CallerIdentity(String name, String scheme, Map<String, String> claims,
                          @Nullable CallerPermissions permissions) {
        this(name, scheme, claims, permissions, null);
    }

    /** An identity whose permissions come from the configuration. */
    public static CallerIdentity of(String name, String scheme) {
        return new CallerIdentity(name, scheme, Map.of(), null, null);
    }
}
