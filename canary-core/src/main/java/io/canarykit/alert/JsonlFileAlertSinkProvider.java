package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code jsonl-file}: {@link JsonlFileAlertSink} appending to {@code canary.alert.jsonl-file.path}
 * (required).
 */
public final class JsonlFileAlertSinkProvider implements AlertSinkProvider {
    /** The file to append to. */
    public static final String PATH = "canary.alert.jsonl-file.path";

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
