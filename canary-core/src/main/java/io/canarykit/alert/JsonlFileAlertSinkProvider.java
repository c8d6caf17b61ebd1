package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code jsonl-file}: {@link JsonlFileAlertSink} appending to the file of key {@code canary.alert.jsonl-file.path}
 * of the whole configuration, or {@code path} of a configuration scoped to the sink (required).
 *
 * @since 0.1.0
 */
public final class JsonlFileAlertSinkProvider implements AlertSinkProvider {
    /** The file to append to. */
    public static final String PATH = "path";

    @Override
    public String name() {
        return "jsonl-file";
    }

    /** Where the key lives when the whole configuration is given: {@code canary.alert.jsonl-file.path}. */
    public static final String PREFIX = "canary.alert.jsonl-file.";

    @Override
    public AlertSink create(CanaryConfig whole) {
        CanaryConfig config = WebhookAlertSinkProvider.scoped(whole, PREFIX);
        if (!config.has(PATH)) {
            throw new io.canarykit.CanaryConfigurationException("the jsonl-file alert sink needs " + PREFIX + PATH
                    + ": set it to the file alerts are appended to, such as /var/log/canarykit/alerts.jsonl");
        }
        return JsonlFileAlertSink.create(config.getPath(PATH), config.has("format")
                ? AlertFormat.fromConfigName(config.getString("format")) : AlertFormat.CANARYKIT);
    }
}
