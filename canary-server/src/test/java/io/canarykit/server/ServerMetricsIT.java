package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryId;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.ServerSettings.Loop;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Leases;
import io.canarykit.store.jdbc.JdbcCanaryStoreProvider;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's scenario run in the server against the emulator (issue through the API, use the canary with the real
 * SDK, detect, alert to a webhook, revoke and replace), then every metric the issue asks for is on {@code /metrics}
 * with the values the scenario implies; an alert the receiver refuses is retried and spooled (and counted so); a
 * graceful stop lets the issuance in flight finish, flushes the spool and releases the leases; and the endpoints'
 * access rules.
 */
class ServerMetricsIT {
    private static final String API_TOKEN = "ci-token-0123456789abcdef";
    private static final String METRICS_TOKEN = "metrics-token-0123456789";
    private static final String HMAC = "webhook-hmac-key-0123456789";

    @TempDir
    Path dir;
    private AwsEmulator aws;
    private AlertReceiver receiver;
    private CanaryServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        aws = AwsEmulator.builder().start();
        receiver = new AlertReceiver();
        EmulatedCredentials admin = aws.adminCredentials();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("canary.store", "jdbc");
        p.put("canary.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("store/canarykit"));
        p.put("canary.issuers", "iam-user");
        p.put("canary.detectors", "cloudtrail-lookup");
        p.put("canary.detector.cloudtrail-lookup.regions", "us-east-1");
        for (String prefix : new String[]{"canary.issuer.iam-user.", "canary.detector.cloudtrail-lookup."}) {
            p.put(prefix + "endpoint", aws.endpoint().toString());
            p.put(prefix + "access-key-id", admin.accessKeyId());
            p.put(prefix + "secret-access-key", admin.secretAccessKey().reveal());
            p.put(prefix + "max-attempts", "1");
        }
        p.put("canary.issuer.iam-user.account-id", aws.accountId());
        p.put("canary.alert.sinks", "webhook");
        p.put("canary.alert.webhook.url", receiver.url().toString());
        p.put("canary.alert.webhook.hmac-key", HMAC);
        p.put("canary.alert.webhook.max-attempts", "2");
        p.put("canary.alert.webhook.backoff", "10ms");
        p.put("canary.alert.webhook.spool-dir", dir.resolve("spool").toString());
        p.put("canary.response", "revoke-and-reissue");
        p.put("canary.api.tokens.ci", API_TOKEN);
        p.put("canary.api.caller.ci.profiles", "home,return");
        p.put("canary.api.profile.home.placement", "aws-credentials-file");
        p.put("canary.api.profile.home.option.credentials-file", dir.resolve("home/.aws/credentials").toString());
        p.put("canary.api.profile.home.option.config-file", dir.resolve("home/.aws/config").toString());
        p.put("canary.api.profile.home.option.profile", "ops-admin");
        p.put("canary.api.profile.home.allowed-directories", dir.resolve("home").toString());
        p.put("canary.server.metrics.token", METRICS_TOKEN);
        for (Loop l : Loop.values()) {
            p.put("canary.server." + l.key + ".interval", "off"); // the test runs each loop itself
        }
        Files.createDirectories(dir.resolve("home/.aws"));
        server = CanaryServer.fromConfig(CanaryConfig.of(p)).port(0).environment(Map.of()).build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        receiver.close();
        aws.close();
    }

    @Test
    void theDemoScenarioShowsEveryMetric() throws Exception {
        // issue through the API: planted in the credentials file
        HttpResponse<String> issued = post("/v1/canaries",
                "{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-7\"},\"profile\":\"home\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        JsonNode canary = CanaryJson.MAPPER.readTree(issued.body());
        String id = canary.get("canaryId").asText();
        String key = canary.get("accessKeyId").asText();
        // a request the service refuses: a kind no issuer makes
        HttpResponse<String> refused = post("/v1/canaries",
                "{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-8\"},\"kind\":\"assume-role\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);

        // the attacker uses the planted key with the real SDK
        String secret = useThePlantedKey(key);

        // detection: sighting, alert to the webhook, revoke and replace
        assertThat(server.runNow(Loop.DETECT)).isEqualTo(ServerLoop.Outcome.RAN);
        assertThat(receiver.taken()).hasSize(1);
        assertThat(receiver.taken().get(0).body()).contains(id).doesNotContain(secret);
        assertThat(server.service().find(io.canarykit.CanaryId.parse(id)).orElseThrow().status().isTerminal()).isTrue();
        assertThat(server.runNow(Loop.METRICS)).isEqualTo(ServerLoop.Outcome.RAN);

        HttpResponse<String> scraped = get("/metrics", "Bearer " + METRICS_TOKEN);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String m = scraped.body();
        String account = aws.accountId();
        // one live canary, the replacement; the triggered one was revoked
        assertThat(value(m, "canary_canaries_live", "account=\"" + account + "\"", "kind=\"iam-user\"",
                "status=\"active\"")).isEqualTo(1.0);
        assertThat(value(m, "canary_sightings_total", "kind=\"api-call\"", "source=\"cloudtrail-lookup\""))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(value(m, "canary_alerts_total", "outcome=\"sent\"", "sink=\"webhook\"")).isEqualTo(1.0);
        for (String outcome : new String[]{"retried", "spooled", "failed"}) {
            assertThat(value(m, "canary_alerts_total", "outcome=\"" + outcome + "\"", "sink=\"webhook\"")).isZero();
        }
        double lag = value(m, "canary_detector_lag_seconds", "detector=\"cloudtrail-lookup\"");
        assertThat(lag).isBetween(0.0, 120.0);
        // the canary and its replacement issued; the refused request failed by configuration
        assertThat(value(m, "canary_issuance_seconds_count", "kind=\"iam-user\"", "outcome=\"ok\"")).isEqualTo(2.0);
        assertThat(value(m, "canary_issuance_seconds_sum", "kind=\"iam-user\"", "outcome=\"ok\"")).isPositive();
        assertThat(value(m, "canary_issuance_failures_total", "cause=\"configuration\"", "kind=\"assume-role\""))
                .isEqualTo(1.0);
        assertThat(value(m, "canary_quota_headroom", "account=\"" + account + "\"")).isEqualTo(4999.0);
        assertThat(m).doesNotContain(secret).doesNotContain(API_TOKEN).doesNotContain(METRICS_TOKEN).doesNotContain(HMAC);
    }

    @Test
    void metricsWantTheTokenAndHealthAnswersWithoutOne() throws Exception {
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Bearer " + METRICS_TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Bearer " + API_TOKEN).statusCode()).as("an API token is no metrics token")
                .isEqualTo(401);
        assertThat(get("/metrics?token=" + METRICS_TOKEN, null).statusCode()).as("never from the query").isEqualTo(401);
        HttpResponse<String> ok = get("/metrics", "Bearer " + METRICS_TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("canary_alerts_total").contains("jvm_memory_used_bytes");

        assertThat(get("/health/live", null).body()).isEqualTo("{\"status\":\"UP\"}");
        HttpResponse<String> ready = get("/health/ready", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(CanaryJson.MAPPER.readTree(ready.body()).get("checks").fieldNames()).toIterable()
                .containsExactly("store", "credentials:issuer/iam-user", "credentials:detector/cloudtrail-lookup");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.uri().resolve("/health/ready"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);

        server.stop();
        assertThat(server.heldLeases()).isEmpty();
        server = null;
    }

    @Test
    void aGracefulStopFinishesTheIssuanceInFlightFlushesTheSpoolAndReleasesTheLeases() throws Exception {
        HttpResponse<String> issued = post("/v1/canaries",
                "{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-1\"},\"profile\":\"home\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String id = CanaryJson.MAPPER.readTree(issued.body()).get("canaryId").asText();
        String key = CanaryJson.MAPPER.readTree(issued.body()).get("accessKeyId").asText();
        useThePlantedKey(key);

        // the receiver refuses both attempts: the alert is retried once, then spooled
        receiver.refuseNext(2);
        assertThat(server.runNow(Loop.DETECT)).isEqualTo(ServerLoop.Outcome.RAN);
        assertThat(receiver.taken()).isEmpty();
        String m = get("/metrics", "Bearer " + METRICS_TOKEN).body();
        assertThat(value(m, "canary_alerts_total", "outcome=\"retried\"", "sink=\"webhook\"")).isEqualTo(1.0);
        assertThat(value(m, "canary_alerts_total", "outcome=\"spooled\"", "sink=\"webhook\"")).isEqualTo(1.0);
        assertThat(value(m, "canary_alerts_total", "outcome=\"sent\"", "sink=\"webhook\"")).as("spooled is not sent")
                .isZero();
        assertThat(server.heldLeases()).isNotEmpty();
        List<String> held = List.copyOf(server.heldLeases().keySet());

        // an issuance in flight when the stop begins: AWS is slow to make its key
        int users = aws.usersExceptAdmin(aws.accountId()).size();
        var slowKeys = aws.faults().latency("iam:CreateAccessKey", Duration.ofSeconds(2));
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                        server.uri().resolve("/v1/canaries")).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-2\"},\"profile\":\"return\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (aws.usersExceptAdmin(aws.accountId()).size() == users && System.nanoTime() < deadline) {
            Thread.sleep(20); // until the issuance has made its user and waits for its key
        }
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSizeGreaterThan(users);
        server.stop();
        aws.faults().remove(slowKeys);

        HttpResponse<String> done = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as("the issuance in flight finished: %s", done.body()).isEqualTo(201);
        assertThat(receiver.taken()).as("the spool was flushed at the stop").hasSize(1);
        assertThat(receiver.taken().get(0).body()).contains(id);
        assertThat(server.heldLeases()).isEmpty();
        try (CanaryStore store = new JdbcCanaryStoreProvider().create(CanaryConfig.of(Map.of(
                "url", "jdbc:h2:file:" + dir.resolve("store/canarykit"))))) {
            String lt2 = CanaryJson.MAPPER.readTree(done.body()).get("canaryId").asText();
            assertThat(store.find(CanaryId.parse(lt2)).orElseThrow().status().isLive()).isTrue();
            Leases leases = Leases.create(store, Clock.systemUTC());
            for (String lease : held) {
                assertThat(leases.acquire(lease, "another-copy", Duration.ofMinutes(1))).as("%s released", lease)
                        .isPresent();
            }
        }
        server = null;
    }

    /** The attacker reads the planted secret and uses it with the real SDK; returns the secret. */
    private String useThePlantedKey(String key) throws Exception {
        String secret = Files.readAllLines(dir.resolve("home/.aws/credentials")).stream()
                .filter(l -> l.startsWith("aws_secret_access_key")).map(l -> l.substring(l.indexOf('=') + 1).trim())
                .findFirst().orElseThrow();
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build()) {
            sts.getCallerIdentity();
        }
        return secret;
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
    private static double value(String metrics, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(metrics);
        Double found = null;
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                assertThat(found).as("more than one sample of %s with %s", name, String.join(",", labels)).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        assertThat(found).as("no sample of %s with %s in:%n%s", name, String.join(",", labels), metrics).isNotNull();
        return found;
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
