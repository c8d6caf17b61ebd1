package io.canarykit.server;

/**
 * A named factory for a {@link CallerAuthenticator}, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.canarykit.server.CallerAuthenticatorProvider}). {@code canary serve} builds the
 * authenticators named in {@code canary.api.authenticators} (comma-separated), each from its own keys
 * {@code canary.api.authenticator.<name>.*}, after the built-in bearer-token and HMAC callers.
 *
 * <p>Implementations are stateless, public, with a public no-argument constructor.
 *
 * @since 0.1.0
 */
public interface CallerAuthenticatorProvider {

    /** The stable, lower-case name, such as {@code oidc}. */
    String name();

    /**
     * Builds the authenticator.
     *
     * @throws io.canarykit.CanaryConfigurationException if its configuration is incomplete or wrong
     */
    CallerAuthenticator create(AuthenticatorContext context);
}
