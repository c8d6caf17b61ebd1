package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code logging}: {@link LoggingAlertSink}.
 *
 * @since 0.1.0
 */
public final class LoggingAlertSinkProvider implements AlertSinkProvider {
    @Override
    public String name() {
        return "logging";
    }

    /** Reads no key. */
    @Override
    public ConfigKeys configKeys() {
        return ConfigKeys.none();
    }

    @Override
    public AlertSink create(CanaryConfig config) {
        return LoggingAlertSink.create();
    }
}
