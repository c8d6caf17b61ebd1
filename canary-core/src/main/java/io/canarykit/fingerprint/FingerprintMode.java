package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;

import java.util.Locale;

/**
 * What the issuance flow does with a canary whose fingerprint check fails: nothing, warn, or refuse to plant it.
 *
 * @since 0.1.0
 */
public enum FingerprintMode {
    /** Do not check. */
    OFF("off"),
    /** Check, log a warning and plant anyway. */
    WARN("warn"),
    /** Check and refuse to plant (throw {@link FingerprintedCanaryException}). */
    REFUSE("refuse");

    private final String configName;

    FingerprintMode(String configName) {
        this.configName = configName;
    }

    /** The lower-case name used in configuration. */
    public String configName() {
        return configName;
    }

    /**
     * Parses {@code off}, {@code warn} or {@code refuse} (any case).
     *
     * @throws CanaryConfigurationException for anything else
     */
    public static FingerprintMode fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (FingerprintMode m : values()) {
            if (m.configName.equals(n)) {
                return m;
            }
        }
        throw new CanaryConfigurationException("unknown fingerprint mode '" + name
                + "': expected off, warn or refuse");
    }
}
