package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code jsonl-file}: {@link JsonlFileAlertSink} appending to the file of key {@code path} (required) of the
 * configuration scoped to the sink.
 */
public final class JsonlFileAlertSinkProvider implements AlertSinkProvider {
    /** The file to append to. */
    public static final String PATH = "path";

    @Override
    public String name() {
        return "jsonl-file";
    }

    @Override
    public AlertSink create(CanaryConfig config) {
        if (!config.has(PATH)) {
            throw new io.canarykit.CanaryConfigurationException("the jsonl-file alert sink needs " + PATH
                    + ": set it to the file alerts are appended to, such as /var/log/canarykit/alerts.jsonl");
        }
        return JsonlFileAlertSink.create(config.getPath(PATH));
    }
}
