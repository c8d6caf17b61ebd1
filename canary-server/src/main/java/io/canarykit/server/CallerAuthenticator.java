package io.canarykit.server;

/**
 * Proves who is calling the API from a request's credentials. The server asks each configured authenticator in turn;
 * the first whose answer is not {@link Authentication#notApplicable()} decides. Built in: {@link BearerTokenAuthenticator}
 * and {@link HmacAuthenticator}; others (OpenID Connect tokens from CI, mutual-TLS device certificates, enrollment
 * tokens, console sessions) are added through {@link CallerAuthenticatorProvider}.
 *
 * <p>Authentication runs before the request body is read. An authenticator whose proof covers the body (a signature)
 * returns an {@link Authentication.BodyCheck} that the server runs once the body, bounded in size and time, has
 * arrived. Implementations must be thread-safe, compare secrets in constant time and never put a presented credential
 * in a reason, a log line or an exception.
 *
 * @since 0.1.0
 */
public interface CallerAuthenticator {

    /** Decides on one request. Never throws for bad input: that is {@link Authentication#refused(String)}. */
    Authentication authenticate(AuthenticationRequest request);
}
