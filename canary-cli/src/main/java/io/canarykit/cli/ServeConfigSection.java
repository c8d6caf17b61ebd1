package io.canarykit.cli;

import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigSection;

/**
 * The keys {@code canary serve} reads ({@code canary.api.*}), declared so that {@code canary config check} and
 * {@code CanaryService.fromConfig} know them. Stateless; public only so that {@link java.util.ServiceLoader} can make
 * it.
 */
public final class ServeConfigSection implements ConfigSection {
    /** The keys. */
    static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("canary.api.tokens.<caller>", "the bearer token of an API caller").asSecret(),
            ConfigKey.string("canary.api.hmac-keys.<caller>", "the HMAC key an API caller signs requests with")
                    .asSecret(),
            ConfigKey.decimal("canary.api.rate-per-minute", "requests each caller may make per minute")
                    .withDefault("60"),
            ConfigKey.integer("canary.api.burst", "requests each caller may make at once").withDefault("10"));

    /** For {@link java.util.ServiceLoader}. */
    public ServeConfigSection() {
    }

    @Override
    public ConfigKeys keys() {
        return KEYS;
    }
}
