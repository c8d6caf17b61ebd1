package io.canarykit.naming;

import io.canarykit.config.ConfigKey;

/** The key the keyed namer providers share. */
final class NamerProviders {
    /** The HMAC key: {@code key}, formerly {@code canary.naming.key} for every namer. */
    static final ConfigKey KEY = ConfigKey.string("key", "the HMAC key that keys the names (at least 16 characters)")
            .asSecret().formerly("canary.naming.key");

    private NamerProviders() {
    }
}
