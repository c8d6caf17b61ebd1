package io.canarykit;

import java.util.Locale;

/**
 * What {@link CanaryService#detect()} does to a canary that was just triggered, besides alerting.
 *
 * @since 0.1.0
 */
public enum ResponsePolicy {
    /** Alert only; the canary stays in place and keeps reporting. */
    ALERT,
    /** Revoke it in AWS and remove its placement. */
    REVOKE,
    /** Plant a fresh canary for the same asset and placement, then revoke the triggered one. */
    REVOKE_AND_REISSUE;

    /** {@code alert}, {@code revoke} or {@code revoke-and-reissue}. */
    public static ResponsePolicy fromConfigName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ResponsePolicy p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(n)) {
                return p;
            }
        }
        throw new CanaryConfigurationException("unknown response policy '" + name
                + "': expected alert, revoke or revoke-and-reissue");
    }
}
