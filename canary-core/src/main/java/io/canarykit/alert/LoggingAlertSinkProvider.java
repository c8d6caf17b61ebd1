package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;

/** Provider {@code logging}: {@link LoggingAlertSink}. */
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
