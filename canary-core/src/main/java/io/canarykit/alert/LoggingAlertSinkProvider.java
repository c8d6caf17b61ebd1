package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;

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

    @Override
    public AlertSink create(CanaryConfig config) {
        return LoggingAlertSink.create();
    }
}
