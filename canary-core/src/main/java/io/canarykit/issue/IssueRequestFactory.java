package io.canarykit.issue;

import org.jspecify.annotations.Nullable;

/**
 * Builds the request once the pool has picked the account: names the principal with the issuer's
 * {@link CanaryIssuer#nameRules()} and hardens its policies for {@link CanaryIssuer#hardeningRequest(String)}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface IssueRequestFactory {

    /**
     * The request for one attempt.
     *
     * @param issuer  the issuer the pool picked
     * @param attempt 0 first; larger after a name collision, so the namer can return another name (pass it to
     *                {@link io.canarykit.naming.IdentityNamer#name})
     * @return the request; a retry must carry a new canary id (the coordinator replaces a repeated one); {@code null}
     *         to make no more attempts (the last name collision is then thrown)
     */
    @Nullable IssueRequest create(CanaryIssuer issuer, int attempt);
}
