package io.canarykit.alert;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.canarykit.Alert;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook sink over real HTTP, against the JDK's HttpServer. */
class WebhookAlertSinkIT {
    private static final String KEY = "whsec-3f9a1c-very-secret-hmac-key";

    /** One request as the server got it. */
    record Received(String body, String signature, String alertId, String contentType) {
    }

    private HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile IntSupplier status = () -> 200;
    private volatile Map<String, String> extraHeaders = Map.of();
    private volatile long delayMillis;
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int code = status.getAsInt();
            if (code / 100 == 2) {
                received.add(new Received(new String(body, StandardCharsets.UTF_8),
                        exchange.getRequestHeaders().getFirst(WebhookAlertSink.SIGNATURE_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookAlertSink.ALERT_ID_HEADER),
                        exchange.getRequestHeaders().getFirst("Content-Type")));
            }
            extraHeaders.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private WebhookAlertSink.Builder sink() {
        return WebhookAlertSink.builder().url(url()).hmacKey(Secret.of(KEY)).timeout(Duration.ofSeconds(5))
                .maxAttempts(3).sleeper(sleeps::add);
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void postsSignedJson() throws Exception {
        Alert alert = Alerts.initial("e1");
        sink().build().send(alert);

        assertThat(received).hasSize(1);
        Received r = received.peek();
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.signature()).as("HMAC-SHA256 of the exact body").isEqualTo(hmac(r.body()));
        assertThat(r.alertId()).isEqualTo(AlertJson.alertId(alert));
        assertThat(new ObjectMapper().readTree(r.body()).at("/canary/id").asText()).isEqualTo(alert.canary().id().value());
        assertThat(r.body()).doesNotContain(KEY);
    }

    @Test
    void retriesServerErrorsWithExponentialBackoff() {
        AtomicInteger calls = new AtomicInteger();
        status = () -> calls.incrementAndGet() < 3 ? 503 : 204;

        sink().initialBackoff(Duration.ofMillis(100)).build().send(Alerts.initial("e1"));

        assertThat(requests.get()).isEqualTo(3);
        assertThat(received).hasSize(1);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void honoursRetryAfterUpToTheMaximumBackoff() {
        AtomicInteger calls = new AtomicInteger();
        status = () -> calls.incrementAndGet() < 3 ? 429 : 200;
        extraHeaders = Map.of("Retry-After", "7");

        sink().maxBackoff(Duration.ofSeconds(5)).build().send(Alerts.initial("e1"));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(received).hasSize(1);
    }

    @Test
    void aClientErrorIsNotRetriedButKeptInTheSpoolAndDeliveredLater(@TempDir Path spool) {
        status = () -> 400;
        WebhookAlertSink sink = sink().spoolDirectory(spool).build();

        sink.send(Alerts.initial("e1"));

        assertThat(requests.get()).isEqualTo(1);
        assertThat(sink.spooled()).isEqualTo(1);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("kept in"));

        status = () -> 200;
        assertThat(sink.flush()).isZero();
        assertThat(sink.spooled()).isZero();
        assertThat(received).hasSize(1);
        assertThat(received.peek().alertId()).isEqualTo(AlertJson.alertId(Alerts.initial("e1")));
    }

    @Test
    void whileTheEndpointIsDownAlertsWaitInOrderAndSurviveARestart(@TempDir Path spool) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        URI dead = URI.create("http://127.0.0.1:" + port + "/hook");
        WebhookAlertSink down = WebhookAlertSink.builder().url(dead).hmacKey(Secret.of(KEY)).maxAttempts(2)
                .sleeper(sleeps::add).spoolDirectory(spool).build();

        down.send(Alerts.initial("e1"));
        down.send(Alerts.followUp("e2", "e3"));
        down.send(Alerts.followUp("e4"));
        assertThat(down.spooled()).isEqualTo(3);
        try (var files = Files.list(spool)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("."))).as("no temp files left").isEmpty();
        }

        // "restart": a new sink over the same spool, now pointing at a live endpoint
        WebhookAlertSink up = sink().spoolDirectory(spool).build();
        up.send(Alerts.followUp("e5"));

        assertThat(received).extracting(Received::alertId).containsExactly(
                AlertJson.alertId(Alerts.initial("e1")), AlertJson.alertId(Alerts.followUp("e2", "e3")),
                AlertJson.alertId(Alerts.followUp("e4")), AlertJson.alertId(Alerts.followUp("e5")));
        for (Received r : received) {
            assertThat(r.signature()).isEqualTo(hmac(r.body()));
        }
        assertThat(up.spooled()).isZero();
    }

    @Test
    void withoutASpoolAFailureIsThrownSoTheEngineSendsItAgain() {
        status = () -> 500;
        WebhookAlertSink sink = sink().build();

        assertThatThrownBy(() -> sink.send(Alerts.initial("e1")))
                .isInstanceOf(CanaryException.class)
                .hasMessageContaining("HTTP 500").hasMessageContaining("3 attempts")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void aSlowEndpointTimesOut(@TempDir Path spool) {
        delayMillis = 1500;
        WebhookAlertSink sink = sink().timeout(Duration.ofMillis(300)).maxAttempts(2).spoolDirectory(spool).build();

        sink.send(Alerts.initial("e1"));

        assertThat(sink.spooled()).isEqualTo(1);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void theHmacKeyNeverShows(@TempDir Path spool) {
        status = () -> 503;
        WebhookAlertSink sink = sink().spoolDirectory(spool).build();
        sink.send(Alerts.initial("e1"));
        CanaryConfig config = CanaryConfig.of(Map.of(WebhookAlertSinkProvider.URL, url().toString(),
                WebhookAlertSinkProvider.HMAC_KEY, KEY));

        assertThat(sink.toString()).doesNotContain(KEY);
        assertThat(config.toString()).doesNotContain(KEY);
        assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(KEY));
    }

    @Test
    void theProviderBuildsItFromConfigurationAndExplainsWhatIsMissing(@TempDir Path spool) {
        ProviderRegistry<AlertSink, AlertSinkProvider> registry = ProviderRegistry.load(AlertSinkProvider.class);
        CanaryConfig config = CanaryConfig.of(Map.of(
                WebhookAlertSinkProvider.URL, url().toString(),
                WebhookAlertSinkProvider.HMAC_KEY, KEY,
                WebhookAlertSinkProvider.TIMEOUT, "2s",
                WebhookAlertSinkProvider.MAX_ATTEMPTS, "2",
                WebhookAlertSinkProvider.SPOOL_DIR, spool.toString()));

        AlertSink sink = registry.provider("webhook").create(config);
        sink.send(Alerts.initial("e1"));

        assertThat(received).hasSize(1);
        AlertSink fromWhole = registry.create("webhook", CanaryConfig.of(Map.of("canary.alert.sinks", "webhook",
                WebhookAlertSinkProvider.PREFIX + "url", url().toString(), WebhookAlertSinkProvider.PREFIX + "hmac-key", KEY)));
        fromWhole.send(Alerts.initial("e2"));
        assertThat(received).hasSize(2);
        WebhookAlertSinkProvider provider = new WebhookAlertSinkProvider();
        assertThatThrownBy(() -> provider.create(CanaryConfig.of(Map.of(WebhookAlertSinkProvider.URL, "x"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining(WebhookAlertSinkProvider.HMAC_KEY);
        assertThatThrownBy(() -> provider.create(CanaryConfig.of(Map.of(WebhookAlertSinkProvider.HMAC_KEY, KEY))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining(WebhookAlertSinkProvider.URL);
        assertThatThrownBy(() -> provider.create(CanaryConfig.of(Map.of(WebhookAlertSinkProvider.URL,
                "ftp://example.com/x", WebhookAlertSinkProvider.HMAC_KEY, KEY))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("http or https")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }
}
