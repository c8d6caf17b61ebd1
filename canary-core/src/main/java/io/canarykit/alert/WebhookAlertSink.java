package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.internal.Durations;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts each alert as JSON ({@link AlertJson}) to an HTTP(S) endpoint (provider {@code webhook}).
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
 */
public final class WebhookAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
    /** The signature header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the body. */
    public static final String SIGNATURE_HEADER = "X-Canarykit-Signature-256";
    /** The alert id header. */
    public static final String ALERT_ID_HEADER = "X-Canarykit-Alert-Id";
    private static final String SPOOL_SUFFIX = ".json";

    private final URI url;
    private final Secret hmacKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Path spool;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    /** Waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits for {@code d}. */
        void sleep(Duration d) throws InterruptedException;
    }

    private WebhookAlertSink(Builder b) {
        this.url = b.url;
        this.hmacKey = b.hmacKey;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.spool = b.spool;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.http = b.http != null ? b.http : HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
    public synchronized void send(Alert alert) {
        String id = AlertJson.alertId(alert);
        byte[] body = AlertJson.toJson(alert).getBytes(StandardCharsets.UTF_8);
        boolean backlog = spool != null && flushSpool() > 0;
        Attempt result = backlog ? new Attempt(false, "earlier alerts are still waiting in the spool")
                : deliverWithRetries(id, body);
        if (result.ok) {
            return;
        }
        if (spool == null) {
            throw new CanaryException("webhook " + url + " did not take alert " + id + " after " + maxAttempts
                    + " attempts (" + result.reason + "); it is sent again on the next pass");
        }
        Path file = spoolAlert(id, body);
        LOG.warn("webhook {} did not take alert {} ({}); kept in {} and retried before the next alert",
                url, id, result.reason, file);
    }

    /** Retries the spooled alerts, oldest first, until one fails; returns how many are still waiting. */
    @Override
    public synchronized int flush() {
        return spool == null ? 0 : flushSpool();
    }

    /** How many alerts wait in the spool. */
    public synchronized int spooled() {
        return spool == null ? 0 : spoolFiles().size();
    }

    private int flushSpool() {
        List<Path> files = spoolFiles();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            byte[] body;
            try {
                body = Files.readAllBytes(f);
            } catch (IOException e) {
                LOG.warn("cannot read spooled alert {}: {}", f, e.getMessage());
                return files.size() - i;
            }
            String name = f.getFileName().toString();
            String id = name.substring(name.indexOf('-', name.indexOf('-') + 1) + 1, name.length() - SPOOL_SUFFIX.length());
            Attempt a = attempt(id, body);
            if (!a.ok) {
                LOG.debug("spooled alert {} still not delivered: {}", id, a.reason);
                return files.size() - i;
            }
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("delivered spooled alert {} but cannot delete {}; it may be delivered again: {}", id, f, e.getMessage());
            }
        }
        return 0;
    }

    private List<Path> spoolFiles() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(spool)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(spool, "*" + SPOOL_SUFFIX)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new CanaryException("cannot list the webhook spool " + spool + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    private Path spoolAlert(String id, byte[] body) {
        try {
            Files.createDirectories(spool);
            String name = String.format(Locale.ROOT, "%013d-%06d-%s%s", clock.millis(), sequence.incrementAndGet() % 1_000_000,
                    id, SPOOL_SUFFIX);
            Path tmp = spool.resolve("." + name + ".tmp");
            Files.write(tmp, body, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Path target = spool.resolve(name);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new CanaryException("webhook " + url + " did not take alert " + id + " and it cannot be spooled in "
                    + spool + " (" + e.getMessage() + "); it is sent again on the next pass", e);
        }
    }

    private Attempt deliverWithRetries(String id, byte[] body) {
        Attempt last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            last = attempt(id, body);
            if (last.ok || !last.retryable || attempt == maxAttempts) {
                return last;
            }
            Duration wait = backoff(attempt, last.retryAfter);
            LOG.debug("webhook attempt {} for alert {} failed ({}); retrying in {}", attempt, id, last.reason, wait);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Attempt(false, last.reason + "; interrupted while waiting to retry");
            }
        }
        return last;
    }

    private Duration backoff(int attempt, Duration retryAfter) {
        Duration d = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter;
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private Attempt attempt(String id, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "canarykit-webhook")
                .header(ALERT_ID_HEADER, id)
                .header(SIGNATURE_HEADER, signature(hmacKey, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                LOG.debug("webhook {} took alert {} ({})", url, id, status);
                return Attempt.OK;
            }
            boolean retryable = status == 408 || status == 429 || status >= 500;
            Duration retryAfter = response.headers().firstValue("Retry-After").map(WebhookAlertSink::seconds).orElse(null);
            return new Attempt(false, "HTTP " + status, retryable, retryAfter);
        } catch (IOException e) {
            return new Attempt(false, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, "interrupted", false, null);
        }
    }

    private static Duration seconds(String v) {
        try {
            long s = Long.parseLong(v.trim());
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The outcome of one attempt. */
    private static final class Attempt {
        static final Attempt OK = new Attempt(true, "delivered", false, null);
        final boolean ok;
        final String reason;
        final boolean retryable;
        final Duration retryAfter;

        Attempt(boolean ok, String reason) {
            this(ok, reason, true, null);
        }

        Attempt(boolean ok, String reason, boolean retryable, Duration retryAfter) {
            this.ok = ok;
            this.reason = reason;
            this.retryable = retryable;
            this.retryAfter = retryAfter;
        }
    }

    @Override
    public String toString() {
        return "WebhookAlertSink[" + url + (spool == null ? "" : ", spool " + spool) + "]";
    }

    /** Builder for {@link WebhookAlertSink}. */
    public static final class Builder {
        private URI url;
        private Secret hmacKey;
        private Duration timeout = Duration.ofSeconds(10);
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Path spool;
        private HttpClient http;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();

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
            return new WebhookAlertSink(this);
        }
    }
}
