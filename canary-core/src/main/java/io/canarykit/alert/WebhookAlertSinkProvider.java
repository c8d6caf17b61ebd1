package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Provider {@code webhook}: {@link WebhookAlertSink} from
 * <ul>
 *   <li>{@code canary.alert.webhook.url} (required), {@code canary.alert.webhook.hmac-key} (required, secret);</li>
 *   <li>{@code canary.alert.webhook.timeout} (default 10s), {@code canary.alert.webhook.max-attempts} (default 4),
 *       {@code canary.alert.webhook.backoff} (default 500ms), {@code canary.alert.webhook.max-backoff} (default 30s);</li>
 *   <li>{@code canary.alert.webhook.spool-dir} (optional; recommended: without it an undelivered alert is retried by
 *       the engine's next pass instead of from disk).</li>
 * </ul>
 */
public final class WebhookAlertSinkProvider implements AlertSinkProvider {
    public static final String URL = "canary.alert.webhook.url";
    public static final String HMAC_KEY = "canary.alert.webhook.hmac-key";
    public static final String TIMEOUT = "canary.alert.webhook.timeout";
    public static final String MAX_ATTEMPTS = "canary.alert.webhook.max-attempts";
    public static final String BACKOFF = "canary.alert.webhook.backoff";
    public static final String MAX_BACKOFF = "canary.alert.webhook.max-backoff";
    public static final String SPOOL_DIR = "canary.alert.webhook.spool-dir";

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public AlertSink create(CanaryConfig config) {
        String url = config.getString(URL);
        if (url == null) {
            throw new CanaryConfigurationException("the webhook alert sink needs " + URL
                    + ": set it to the endpoint alerts are posted to, such as https://alerts.example.com/canary");
        }
        if (config.getSecret(HMAC_KEY) == null) {
            throw new CanaryConfigurationException("the webhook alert sink needs " + HMAC_KEY
                    + ": set it to the shared key the receiver checks the " + WebhookAlertSink.SIGNATURE_HEADER
                    + " header with");
        }
        WebhookAlertSink.Builder b = WebhookAlertSink.builder();
        try {
            b.url(new URI(url));
        } catch (URISyntaxException e) {
            throw new CanaryConfigurationException("invalid " + URL + " '" + url + "': " + e.getReason()
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
        return b.build();
    }
}
