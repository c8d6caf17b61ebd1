package io.canarykit.naming;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

/** Reads the configuration shared by the namer providers. */
final class NamerProviders {
    /** The key property: {@code naming.key}. */
    static final String KEY = "naming.key";

    private NamerProviders() {
    }

    static Secret key(CanaryConfig config) {
        return config.getSecret(KEY);
    }
}
