package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Provider {@code webhook}: {@link WebhookAlertSink} from these keys, read under {@code canary.alert.webhook.} when the
 * configuration has any key there (the whole configuration), else as they are (a configuration scoped to the sink):
 * <ul>
 *   <li>{@code url} (required), {@code hmac-key} (required, secret);</li>
 *   <li>{@code timeout} (default 10s), {@code max-attempts} (default 4), {@code backoff} (default 500ms),
 *       {@code max-backoff} (default 30s);</li>
 *   <li>{@code format}: {@code canarykit} (default), {@code ocsf} or {@code ecs};</li>
 *   <li>{@code spool-dir} (optional; recommended: without it an undelivered alert is retried by the engine's next pass
 *       instead of from disk).</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class WebhookAlertSinkProvider implements AlertSinkProvider {
    public static final String URL = "url";
    public static final String HMAC_KEY = "hmac-key";
    public static final String TIMEOUT = "timeout";
    public static final String MAX_ATTEMPTS = "max-attempts";
    public static final String BACKOFF = "backoff";
    public static final String MAX_BACKOFF = "max-backoff";
    public static final String SPOOL_DIR = "spool-dir";
    /** {@code canarykit} (default), {@code ocsf} or {@code ecs}. */
    public static final String FORMAT = "format";

    @Override
    public String name() {
        return "webhook";
    }

    /** Where the keys live when the whole configuration is given: {@code canary.alert.webhook.url}, ... */
    public static final String PREFIX = "canary.alert.webhook.";

    @Override
    public AlertSink create(CanaryConfig whole) {
        CanaryConfig config = scoped(whole, PREFIX);
        String url = config.getString(URL);
        if (url == null) {
            throw new CanaryConfigurationException("the webhook alert sink needs " + PREFIX + URL
                    + ": set it to the endpoint alerts are posted to, such as https://alerts.example.com/canary");
        }
        if (config.getSecret(HMAC_KEY) == null) {
            throw new CanaryConfigurationException("the webhook alert sink needs " + PREFIX + HMAC_KEY
                    + ": set it to the shared key the receiver checks the " + WebhookAlertSink.SIGNATURE_HEADER
                    + " header with");
        }
        WebhookAlertSink.Builder b = WebhookAlertSink.builder();
        try {
            b.url(new URI(url));
        } catch (URISyntaxException e) {
            throw new CanaryConfigurationException("invalid " + PREFIX + URL + " '" + url + "': " + e.getReason()
                    + "; use an absolute http or https URL");
        }
        b.hmacKey(config.getSecret(HMAC_KEY))
                .timeout(config.getDuration(TIMEOUT, java.time.Duration.ofSeconds(10)))
                .maxAttempts(config.getInt(MAX_ATTEMPTS, 4))
                .initialBackoff(config.getDuration(BACKOFF, java.time.Duration.ofMillis(500)))
                .maxBackoff(config.getDuration(MAX_BACKOFF, java.time.Duration.ofSeconds(30)));
        if (config.has(SPOOL_DIR)) {
            b.spoolDirectory(config.getPath(SPOOL_DIR));
        }
        if (config.has(FORMAT)) {
            b.format(AlertFormat.fromConfigName(config.getString(FORMAT)));
        }
        return b.build();
    }

    /** The keys under {@code prefix} (without it) if there are any, else the configuration itself. */
    static CanaryConfig scoped(CanaryConfig config, String prefix) {
        java.util.Map<String, String> under = config.withPrefix(prefix);
        return under.isEmpty() ? config : CanaryConfig.of(under);
    }
}
