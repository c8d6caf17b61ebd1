package io.canarykit.alert;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Provider {@code webhook}: {@link WebhookAlertSink} from its keys ({@code canary.alert.webhook.*}, handed over without
 * that prefix):
 * <ul>
 *   <li>{@code url} (required, secret: a webhook URL often carries a token), {@code hmac-key} (required, secret);</li>
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
    /** The endpoint alerts are posted to. */
    public static final String URL = "url";
    /** The shared key of the signature header. */
    public static final String HMAC_KEY = "hmac-key";
    /** The timeout of one delivery attempt. */
    public static final String TIMEOUT = "timeout";
    /** Delivery attempts before an alert is spooled or left to the next pass. */
    public static final String MAX_ATTEMPTS = "max-attempts";
    /** The first pause between attempts. */
    public static final String BACKOFF = "backoff";
    /** The longest pause between attempts. */
    public static final String MAX_BACKOFF = "max-backoff";
    /** Where undelivered alerts wait on disk. */
    public static final String SPOOL_DIR = "spool-dir";
    /** {@code canarykit} (default), {@code ocsf} or {@code ecs}. */
    public static final String FORMAT = "format";
    /** Where the keys live in the whole configuration: {@code canary.alert.webhook.url}, ... (for messages). */
    public static final String PREFIX = "canary.alert.webhook.";

    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.url(URL, "the endpoint alerts are posted to").asRequired().asSecret(),
            ConfigKey.string(HMAC_KEY, "the shared key the receiver checks the "
                    + WebhookAlertSink.SIGNATURE_HEADER + " header with").asRequired().asSecret(),
            ConfigKey.duration(TIMEOUT, "timeout of one delivery attempt").withDefault("10s"),
            ConfigKey.integer(MAX_ATTEMPTS, "delivery attempts per pass").withDefault("4"),
            ConfigKey.duration(BACKOFF, "first pause between attempts").withDefault("500ms"),
            ConfigKey.duration(MAX_BACKOFF, "longest pause between attempts").withDefault("30s"),
            ConfigKey.path(SPOOL_DIR, "where undelivered alerts wait to be retried (recommended)"),
            ConfigKey.oneOf(FORMAT, "the alert body's schema", "canarykit", "ocsf", "ecs").withDefault("canarykit"));

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public AlertSink create(CanaryConfig config) {
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
            // the URL is a secret (it may carry a token): never in the message
            throw new CanaryConfigurationException("invalid " + PREFIX + URL + ": it is not a URL; use an absolute"
                    + " http or https URL");
        }
        b.hmacKey(config.getSecret(HMAC_KEY))
                .timeout(config.getDuration(TIMEOUT, Duration.ofSeconds(10)))
                .maxAttempts(config.getInt(MAX_ATTEMPTS, 4))
                .initialBackoff(config.getDuration(BACKOFF, Duration.ofMillis(500)))
                .maxBackoff(config.getDuration(MAX_BACKOFF, Duration.ofSeconds(30)));
        Path spool = config.getPath(SPOOL_DIR);
        if (spool != null) {
            b.spoolDirectory(spool);
        }
        String format = config.getString(FORMAT);
        if (format != null) {
            b.format(AlertFormat.fromConfigName(format));
        }
        return b.build();
    }
}
