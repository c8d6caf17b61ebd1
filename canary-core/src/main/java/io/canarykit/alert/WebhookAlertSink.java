package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.internal.Durations;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.metrics.AlertOutcome;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Posts each alert as JSON to an HTTP(S) endpoint (provider {@code webhook}): canarykit's own ({@link AlertJson}), or
 * OCSF or ECS ({@link Builder#format}, key {@code format}). Delivery is {@link Delivery}'s, shared by every sink.
 *
 * <ul>
 *   <li>Headers: {@code Content-Type: application/json}, {@value #ALERT_ID_HEADER} (the {@link AlertJson#alertId
 *       alert id}: the same alert delivered twice has the same id), and {@value #SIGNATURE_HEADER}
 *       {@code sha256=<hex>}: the HMAC-SHA256 of the exact body bytes under the shared key. Receivers recompute it
 *       over the raw body and compare in constant time.</li>
 *   <li>Each attempt has a timeout. Connection failures, timeouts, 408, 429 and 5xx are retried with exponential
 *       backoff (a {@code Retry-After} in seconds is honoured up to the maximum backoff); other statuses are not
 *       retried. Any 2xx is success.</li>
 *   <li>An alert that could not be delivered is never lost silently: with a spool directory it is written there
 *       (atomically, one file per alert) and retried, oldest first, before every later alert and on {@link #flush()};
 *       without one, {@link #send} throws, and the detection engine sends the alert again on its next pass.</li>
 * </ul>
 * The HMAC key is a {@link Secret}: it never appears in a log line, a message or {@code toString}.
 *
 * <p>Thread-safe: sends are serialised.
 *
 * @since 0.1.0
 */
public final class WebhookAlertSink implements AlertSink {
    /** The signature header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the body. */
    public static final String SIGNATURE_HEADER = "X-Canarykit-Signature-256";
    /** The alert id header. */
    public static final String ALERT_ID_HEADER = "X-Canarykit-Alert-Id";

    private final URI url;
    private final @Nullable Path spool;
    private final AlertFormat format;
    private final Delivery delivery;

    /**
     * Waits between attempts; tests pass one that does not sleep.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Sleeper extends Delivery.Sleeper {
    }

    private WebhookAlertSink(Builder b, URI url, Secret key) {
        this.url = url;
        this.spool = b.spool;
        this.format = b.format;
        HttpClient http = b.http != null ? b.http : HttpTransport.client(b.timeout);
        HttpTransport transport = new HttpTransport(http, url, b.timeout, Map.of(), List.of());
        Delivery.Builder d = Delivery.builder().name("webhook (" + url.getHost() + ")").transport(m -> transport.attempt(
                        new DeliveryMessage(m.id(), m.contentType(), m.body(), Map.of(
                                HttpTransport.HEADER + ALERT_ID_HEADER, m.id(),
                                HttpTransport.HEADER + SIGNATURE_HEADER, signature(key, m.body())))))
                .maxAttempts(b.maxAttempts).initialBackoff(b.initialBackoff).maxBackoff(b.maxBackoff)
                .sleeper(b.sleeper).clock(b.clock);
        if (spool != null) {
            d.spoolDirectory(spool);
        }
        this.delivery = d.build();
    }

    /** A builder; {@link Builder#url} and {@link Builder#hmacKey} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The HMAC-SHA256 signature header value for {@code body} under {@code key}: {@code sha256=<hex>}. */
    public static String signature(Secret key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    @Override
    public void send(Alert alert) {
        String id = AlertJson.alertId(alert);
        byte[] body = format.render(alert).toString().getBytes(StandardCharsets.UTF_8);
        delivery.deliver(DeliveryMessage.json(id, body));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    /** Posts the digest as JSON ({@link SuppressionDigest#toTree()}), signed like alerts, with its id in the id header. */
    @Override
    public void sendDigest(SuppressionDigest digest) {
        delivery.deliver(DeliveryMessage.json(digest.id(), digest.toTree().toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Retries the spooled alerts, oldest first, until one fails; returns how many are still waiting. */
    @Override
    public int flush() {
        return delivery.flush();
    }

    @Override
    public boolean reportTo(Consumer<AlertOutcome> listener) {
        delivery.reportTo(listener);
        return true;
    }

    /** How many alerts wait in the spool. */
    public int spooled() {
        return delivery.spooled();
    }

    @Override
    public String toString() {
        return "WebhookAlertSink[" + url + (spool == null ? "" : ", spool " + spool) + "]";
    }

    /**
     * Builder for {@link WebhookAlertSink}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable URI url;
        private @Nullable Secret hmacKey;
        private Duration timeout = Duration.ofSeconds(10);
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private @Nullable Path spool;
        private @Nullable HttpClient http;
        private Delivery.Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();
        private AlertFormat format = AlertFormat.CANARYKIT;

        private Builder() {
        }

        /** The endpoint, {@code http} or {@code https} (required). */
        public Builder url(URI v) {
            Objects.requireNonNull(v, "url");
            String scheme = v.getScheme() == null ? "" : v.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || v.getHost() == null) {
                throw new CanaryConfigurationException("invalid webhook URL '" + v
                        + "': use an absolute http or https URL such as https://alerts.example.com/canary");
            }
            url = v;
            return this;
        }

        /** The shared HMAC key the body is signed with (required). */
        public Builder hmacKey(Secret v) {
            hmacKey = Objects.requireNonNull(v, "hmacKey");
            return this;
        }

        /** The timeout of each attempt, connecting included (default 10 s). */
        public Builder timeout(Duration v) {
            timeout = positive(v, "timeout");
            return this;
        }

        /** Attempts per alert before it is spooled or thrown (default 4). */
        public Builder maxAttempts(int v) {
            if (v < 1) {
                throw new CanaryConfigurationException("webhook maxAttempts must be at least 1, was " + v);
            }
            maxAttempts = v;
            return this;
        }

        /** The wait before the second attempt, doubled for each one after (default 500 ms). */
        public Builder initialBackoff(Duration v) {
            initialBackoff = positive(v, "initialBackoff");
            return this;
        }

        /** The longest wait between attempts (default 30 s). */
        public Builder maxBackoff(Duration v) {
            maxBackoff = positive(v, "maxBackoff");
            return this;
        }

        /** Where undelivered alerts are kept until delivered; without one, an undelivered alert is thrown. */
        public Builder spoolDirectory(Path v) {
            spool = Objects.requireNonNull(v, "spoolDirectory");
            return this;
        }

        /** The HTTP client (default: a new one with the timeout as connect timeout, no redirects). */
        public Builder httpClient(HttpClient v) {
            http = Objects.requireNonNull(v, "httpClient");
            return this;
        }

        /** The JSON format of the body (default {@link AlertFormat#CANARYKIT}). */
        public Builder format(AlertFormat v) {
            format = Objects.requireNonNull(v, "format");
            return this;
        }

        /** How to wait between attempts (default {@link Thread#sleep}). */
        public Builder sleeper(Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        /** The clock spool file names are stamped with. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        private static Duration positive(Duration v, String name) {
            return Durations.positive(v, "webhook " + name);
        }

        /**
         * Builds the sink.
         *
         * @throws CanaryConfigurationException if the URL or the HMAC key is missing
         */
        public WebhookAlertSink build() {
            if (url == null) {
                throw new CanaryConfigurationException("the webhook alert sink needs a URL");
            }
            if (hmacKey == null) {
                throw new CanaryConfigurationException("the webhook alert sink needs an HMAC key to sign its requests with");
            }
            return new WebhookAlertSink(this, url, hmacKey);
        }
    }
}
