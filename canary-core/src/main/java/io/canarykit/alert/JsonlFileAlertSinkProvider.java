package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

/**
 * Provider {@code jsonl-file}: {@link JsonlFileAlertSink} appending to the file {@code path}
 * ({@code canary.alert.jsonl-file.path}, required).
 *
 * @since 0.1.0
 */
public final class JsonlFileAlertSinkProvider implements AlertSinkProvider {
    /** The file to append to. */
    public static final String PATH = "path";
    /** Where the key lives in the whole configuration: {@code canary.alert.jsonl-file.path} (for messages). */
    public static final String PREFIX = "canary.alert.jsonl-file.";

    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.path(PATH, "the file alerts are appended to, one JSON object per line").asRequired(),
            ConfigKey.oneOf("format", "the schema of each line", "canarykit", "ocsf", "ecs").withDefault("canarykit"));

    @Override
    public String name() {
        return "jsonl-file";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public AlertSink create(CanaryConfig config) {
        java.nio.file.Path path = config.getPath(PATH);
        if (path == null) {
            throw new CanaryConfigurationException("the jsonl-file alert sink needs " + PREFIX + PATH
                    + ": set it to the file alerts are appended to, such as /var/log/canarykit/alerts.jsonl");
        }
        String format = config.getString("format");
        return JsonlFileAlertSink.create(path, format != null ? AlertFormat.fromConfigName(format) : AlertFormat.CANARYKIT);
    }
}
