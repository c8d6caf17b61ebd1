package io.canarykit.naming;

import io.canarykit.Asset;

/**
 * Turns an asset into a principal name that identifies it to us, tells an attacker nothing, and satisfies the
 * target's {@link NameRules}. Implementations never put the raw asset id into a name unless configured to, and never
 * return a name that fails the tell-tale checks ({@link io.canarykit.fingerprint.TellTales}).
 *
 * @since 0.1.0
 */
public interface IdentityNamer {

    /**
     * A name for {@code asset}.
     *
     * @param asset   the asset the canary is for
     * @param rules   the target's rules; the result must satisfy them
     * @param attempt 0 for the first try; larger when an earlier name collided, so that a different name comes back
     * @throws io.canarykit.CanaryConfigurationException if no name fitting {@code rules} can be made
     */
    String name(Asset asset, NameRules rules, int attempt);

    /** The first name for {@code asset} ({@code attempt} 0). */
    default String name(Asset asset, NameRules rules) {
        return name(asset, rules, 0);
    }
}
