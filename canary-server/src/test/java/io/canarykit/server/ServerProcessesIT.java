package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.jdbc.JdbcCanaryStoreProvider;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.postgres.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code canary serve} processes (separate JVMs) on one PostgreSQL store and the AWS emulator. Canaries are
 * issued through all three, used with the real SDK, and the process that holds the detector's lease is killed (SIGKILL)
 * in the middle of its alerting pass, while an issuance it was asked for is in flight. Then: every canary alerted once
 * (one alert id each; at most the alert in flight at the kill is repeated, with its id), every sighting stored once,
 * the detector partition held by one process at a time (the survivors take it over only after the lease expired), and
 * no issuance lost (the interrupted one is recovered: no principal in AWS without a live record).
 */
class ServerProcessesIT {
    private static final String TOKEN = "ci-token-0123456789abcdef";
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final String PARTITION = "cloudtrail-lookup/";

    @TempDir
    Path dir;
    private AwsEmulator aws;
    private AlertReceiver receiver;
    private String schema;
    private final List<Child> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One server JVM and what it printed. */
    private static final class Child {
        final Process process;
        final URI uri;
        final String instance;
        final StringBuffer err;

        Child(Process process, URI uri, String instance, StringBuffer err) {
            this.process = process;
            this.uri = uri;
            this.instance = instance;
            this.err = err;
        }
    }

    @BeforeEach
    void start() throws Exception {
        TestPostgres pg = TestPostgres.get();
        schema = pg.createSchema();
        aws = AwsEmulator.builder().start();
        receiver = new AlertReceiver();
        EmulatedCredentials admin = aws.adminCredentials();
        List<String> lines = new ArrayList<>(List.of(
                "canary.store=jdbc",
                "canary.store.jdbc.url=" + pg.url(schema),
                "canary.store.jdbc.user=" + pg.user(),
                "canary.issuers=iam-user",
                "canary.issuer.iam-user.account-id=" + aws.accountId(),
                "canary.detectors=cloudtrail-lookup",
                "canary.detector.cloudtrail-lookup.regions=us-east-1",
                "canary.alert.sinks=webhook",
                "canary.alert.webhook.url=" + receiver.url(),
                "canary.alert.webhook.hmac-key=webhook-hmac-key-0123456789",
                "canary.alert.webhook.max-attempts=1",
                "canary.response=alert",
                "canary.issuance.minimum-age=10s", // the recover loop leaves younger intents alone (slow CI: issuances take seconds)
                "canary.detect.alert-claim-timeout=5s",
                "canary.api.tokens.ci=" + TOKEN,
                "canary.server.detect.interval=1s",
                "canary.server.recover.interval=2s",
                "canary.server.lease-duration=" + LEASE.toSeconds() + "s",
                "canary.server.shutdown-timeout=5s",
                "canary.server.rotate.interval=off",
                "canary.server.reconcile.interval=off",
                "canary.server.metrics.interval=off"));
        if (pg.password() != null) {
            lines.add("canary.store.jdbc.password=" + pg.password().reveal());
        }
        for (String prefix : List.of("canary.issuer.iam-user.", "canary.detector.cloudtrail-lookup.")) {
            lines.add(prefix + "endpoint=" + aws.endpoint());
            lines.add(prefix + "access-key-id=" + admin.accessKeyId());
            lines.add(prefix + "secret-access-key=" + admin.secretAccessKey().reveal());
            lines.add(prefix + "max-attempts=2");
        }
        Path config = dir.resolve("canary.properties");
        Files.writeString(config, String.join("\n", lines) + "\n");
        Files.writeString(dir.resolve("logback-child.xml"), """
                <configuration>
                  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="io.canarykit.server" level="INFO"/>
                  <root level="WARN"><appender-ref ref="ERR"/></root>
                  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                </configuration>
                """);
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // the three JVMs start side by side
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            started.add(new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-Dlogback.configurationFile=" + dir.resolve("logback-child.xml"),
                    "-cp", System.getProperty("java.class.path"), ServerChild.class.getName(), config.toString())
                    .redirectErrorStream(false).start());
        }
        for (Process p : started) {
            children.add(attach(p));
        }
    }

    private Child attach(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuffer err = new StringBuffer();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    err.append(l).append('\n');
                }
            } catch (IOException e) {
                // the child died
            }
        });
        drain.setDaemon(true);
        drain.start();
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith("LISTENING "));
        if (line == null) {
            throw new IllegalStateException("a server child did not start:\n" + err);
        }
        String[] f = line.split(" ");
        Child c = new Child(p, URI.create(f[1]), f[2], err);
        Thread rest = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // drained
                }
            } catch (IOException e) {
                // died
            }
        });
        rest.setDaemon(true);
        rest.start();
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (Child c : children) {
            c.process.destroy();
        }
        for (Child c : children) {
            if (!c.process.waitFor(20, TimeUnit.SECONDS)) {
                c.process.destroyForcibly();
            }
        }
        receiver.close();
        aws.close();
        TestPostgres.get().dropSchema(schema);
    }

    @Test
    void threeCopiesOneStoreOneKilledMidPass() throws Exception {
        // six canaries issued through all three copies, each used once with the real SDK
        Map<String, String> keys = new LinkedHashMap<>(); // canary id -> access key id
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = issue(children.get(i % 3), "LT-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode n = CanaryJson.MAPPER.readTree(r.body());
            keys.put(n.get("canaryId").asText(), n.at("/credential/accessKeyId").asText());
            use(n.at("/credential/accessKeyId").asText(), n.at("/credential/secretAccessKey").asText());
        }

        // every copy alerts (the alert claims send each alert once); the receiver is slow, so the kill of the copy that
        // reads the detector's partition lands in the middle of its pass
        receiver.delay(Duration.ofMillis(1500));
        Child victim = awaitPartitionHolder();
        awaitTaken(1, Duration.ofSeconds(60));
        // an issuance in flight in the victim when it dies: AWS is slow to make its key
        var slowKeys = aws.faults().latency("iam:CreateAccessKey", Duration.ofSeconds(2));
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(request(victim, "LT-killed"),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(700);
        Instant killedAt = Instant.now();
        victim.process.destroyForcibly();
        assertThat(victim.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int takenAtKill = receiver.taken().size();
        assertThat(takenAtKill).as("killed mid-pass: some alerts sent, not all").isBetween(1, 5);
        aws.faults().remove(slowKeys);
        receiver.delay(Duration.ZERO);
        boolean lost = inFlight.handle((r, e) -> e != null || r.statusCode() != 201).get(30, TimeUnit.SECONDS);
        if (lost) { // the caller saw the failure and retries on another copy
            Child survivor = children.stream().filter(c -> c != victim).findFirst().orElseThrow();
            HttpResponse<String> retried = issue(survivor, "LT-killed");
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        }

        // every canary alerted, once
        awaitCovered(keys.keySet(), Duration.ofSeconds(60));
        Map<String, Set<String>> idsByCanary = new HashMap<>();
        Map<String, Integer> deliveriesById = new HashMap<>();
        for (AlertReceiver.Delivery d : receiver.taken()) {
            JsonNode a = CanaryJson.MAPPER.readTree(d.body());
            idsByCanary.computeIfAbsent(canaryOf(a), k -> new TreeSet<>()).add(d.alertId());
            deliveriesById.merge(d.alertId(), 1, Integer::sum);
        }
        assertThat(idsByCanary.keySet()).containsExactlyInAnyOrderElementsOf(keys.keySet());
        idsByCanary.forEach((canary, ids) -> assertThat(ids).as("alerts of %s", canary).hasSize(1));
        long repeated = deliveriesById.values().stream().filter(n -> n > 1).count();
        assertThat(repeated).as("only the alert in flight at the kill may be repeated (same id): %s", deliveriesById)
                .isLessThanOrEqualTo(1);
        assertThat(deliveriesById.values()).allMatch(n -> n <= 2);

        try (CanaryStore store = new JdbcCanaryStoreProvider().create(CanaryConfig.of(storeConfig()))) {
            // every sighting stored once
            for (String id : keys.keySet()) {
                assertThat(store.sightings(CanaryId.parse(id))).as("sightings of %s", id).hasSize(1);
            }
            // no issuance lost: once recovery ran (no intent left), every IAM user has a live record and LT-killed has
            // one canary
            awaitNoOrphans(store, Duration.ofSeconds(60));
            assertThat(store.findByAsset("laptop", "LT-killed").stream().filter(r -> r.status().isLive()))
                    .hasSize(1);
        }

        // the detector partition: one copy at a time; the victim's taken over only after the kill
        for (String lease : List.of("detector:" + PARTITION + aws.accountId() + "/us-east-1")) {
            List<Map.Entry<Instant, Child>> takes = new ArrayList<>();
            for (Child c : children) {
                for (String l : c.err.toString().lines().toList()) {
                    if (l.contains("took the lease on " + lease + " ")) {
                        takes.add(Map.entry(Instant.parse(l.substring(0, l.indexOf(' '))), c));
                    }
                }
            }
            takes.sort(Map.Entry.comparingByKey());
            assertThat(takes).as("takes of %s", lease).isNotEmpty();
            List<Map.Entry<Instant, Child>> before = takes.stream().filter(t -> t.getKey().isBefore(killedAt)).toList();
            assertThat(before).as("%s was taken once before the kill: %s", lease, takes).hasSize(1);
            if (before.get(0).getValue() == victim) {
                assertThat(takes).as("the victim's %s was taken over", lease).hasSizeGreaterThan(1);
                assertThat(takes.get(1).getKey()).as("taken over after the kill").isAfterOrEqualTo(killedAt);
            }
        }
        for (Child c : children) {
            assertThat(c.err.toString()).doesNotContain(TOKEN).doesNotContain("webhook-hmac-key-0123456789");
        }
    }

    private Map<String, String> storeConfig() {
        TestPostgres pg = TestPostgres.get();
        Map<String, String> c = new HashMap<>();
        c.put("url", pg.url(schema));
        c.put("user", pg.user());
        if (pg.password() != null) {
            c.put("password", pg.password().reveal());
        }
        return c;
    }

    private void awaitNoOrphans(CanaryStore store, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> live = new TreeSet<>();
            Set<String> pending = new TreeSet<>(); // intents: the recover loop finishes or undoes them
            String cursor = null;
            do {
                var page = store.list(CanaryQuery.live().after(cursor));
                for (CanaryRecord r : page.items()) {
                    (r.status() == CanaryStatus.PENDING ? pending : live).add(r.principal().name());
                }
                cursor = page.nextCursor();
            } while (cursor != null);
            Set<String> users = aws.usersExceptAdmin(aws.accountId()).stream().map(u -> u.userName())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (pending.isEmpty() && live.containsAll(users)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                assertThat(pending).as("intents left unrecovered").isEmpty();
                assertThat(live).as("every IAM user the canaries made has a live record").containsAll(users);
            }
            Thread.sleep(250);
        }
    }

    private static String canaryOf(JsonNode alert) {
        for (String p : List.of("/canary/id", "/canary/canaryId", "/canaryId")) {
            if (!alert.at(p).isMissingNode()) {
                return alert.at(p).asText();
            }
        }
        throw new AssertionError("no canary id in " + alert);
    }

    private Child awaitPartitionHolder() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (CanaryStore store = new JdbcCanaryStoreProvider().create(CanaryConfig.of(storeConfig()))) {
            while (System.nanoTime() < deadline) {
                var e = store.entry("lease:detector:" + PARTITION + aws.accountId() + "/us-east-1");
                if (e.isPresent()) {
                    for (Child c : children) {
                        if (e.get().value().contains("\"owner\":\"" + c.instance + "\"")) {
                            return c;
                        }
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no copy took the detector partition's lease");
    }

    private void awaitTaken(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (receiver.taken().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the receiver got " + receiver.taken().size() + " alerts, expected " + n
                        + "; children said:\n" + children.stream().map(c -> c.err.toString()).collect(Collectors.joining("\n---\n")));
            }
            Thread.sleep(20);
        }
    }

    private void awaitCovered(Set<String> canaries, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> covered = new TreeSet<>();
            for (AlertReceiver.Delivery d : receiver.taken()) {
                covered.add(canaryOf(CanaryJson.MAPPER.readTree(d.body())));
            }
            if (covered.containsAll(canaries)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("alerts cover " + covered + ", not all of " + canaries + "; children said:\n"
                        + children.stream().map(c -> c.err.toString()).collect(Collectors.joining("\n---\n")));
            }
            Thread.sleep(100);
        }
    }

    private HttpRequest request(Child c, String asset) {
        return HttpRequest.newBuilder(c.uri.resolve("/v1/canaries")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"asset\":{\"kind\":\"laptop\",\"id\":\"" + asset + "\"}}"))
                .build();
    }

    private HttpResponse<String> issue(Child c, String asset) throws Exception {
        return http.send(request(c, asset), HttpResponse.BodyHandlers.ofString());
    }

    private void use(String key, String secret) {
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build()) {
            sts.getCallerIdentity();
        }
    }
}
