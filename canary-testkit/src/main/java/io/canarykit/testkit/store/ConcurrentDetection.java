package io.canarykit.testkit.store;

import com.sun.net.httpserver.HttpServer;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Secret;
import io.canarykit.Sighting;
import io.canarykit.alert.WebhookAlertSink;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Several detection engines (threads with their own store client, or processes) sharing one store and reading the
 * same events, for the "alerts exactly once across processes" tests of each store: every engine sees every event, all
 * run their passes at once, and an HTTP receiver on loopback counts what the webhook sinks deliver.
 *
 * <p>The scenario: {@value #CANARIES} canaries; each gets {@value #FIRST_ROUND} events in the first round and
 * {@value #SECOND_ROUND} more in the second, read by every engine in both rounds (detectors re-read, as after a crash
 * before their checkpoint).
 *
 * @since 0.1.0
 */
public final class ConcurrentDetection {
    /** Canaries in the scenario. */
    public static final int CANARIES = 3;
    /** Events per canary read in the first round. */
    public static final int FIRST_ROUND = 2;
    /** Events per canary added for the second round. */
    public static final int SECOND_ROUND = 2;
    /** The HMAC key the engines sign with (a test value). */
    static final String HMAC = "concurrent-detection-test-key";
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private ConcurrentDetection() {
    }

    /** Stores the scenario's canaries in {@code store}; returns them. */
    public static List<CanaryRecord> seed(CanaryStore store) {
        CanaryFixtures fixtures = new CanaryFixtures(7);
        List<CanaryRecord> out = new ArrayList<>();
        for (int i = 0; i < CANARIES; i++) {
            out.add(store.create(fixtures.active(CanaryFixtures.ACCOUNT, Asset.of("host", "h" + i))
                    .toBuilder().createdAt(T0).issuedAt(T0).build()));
        }
        return out;
    }

    /** The events of {@code canary} that exist in {@code round} (1 or 2). */
    static List<Sighting> events(CanaryRecord canary, int round) {
        int count = round == 1 ? FIRST_ROUND : FIRST_ROUND + SECOND_ROUND;
        List<Sighting> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Sighting.builder().source("cloudtrail-s3").sourceEventId(canary.id().value() + "-e" + i)
                    .time(T0.plusSeconds(3600 + i * 60L)).service("iam.amazonaws.com").call(i == 0 ? "GetCallerIdentity" : "ListUsers")
                    .region("us-east-1").sourceIp("203.0.113.9").userAgent("aws-cli/2.15.30").errorCode(i == 0 ? null : "AccessDenied")
                    .accessKeyId(canary.accessKeyId()).principalArn(canary.principal().arn()).requestId("req-" + i).build());
        }
        return out;
    }

    /** An engine over {@code store} reading the scenario's events of {@code round} and posting to {@code receiver}. */
    public static DetectionEngine engine(CanaryStore store, List<CanaryRecord> canaries, int round, URI receiver,
                                         String owner) {
        List<Sighting> all = new ArrayList<>();
        for (CanaryRecord c : canaries) {
            all.addAll(events(c, round));
        }
        Detector replay = new Detector() {
            @Override
            public String source() {
                return "cloudtrail-s3";
            }

            @Override
            public void poll(DetectorContext context, Consumer<Sighting> sink) {
                all.forEach(sink);
            }
        };
        return DetectionEngine.builder().store(store).detector(replay).owner(owner)
                .alertSink("webhook", WebhookAlertSink.builder().url(receiver).hmacKey(Secret.of(HMAC))
                        .maxAttempts(3).initialBackoff(Duration.ofMillis(20)).build())
                .followUpWindow(Duration.ZERO).build();
    }

    /**
     * A receiver on 127.0.0.1 that records every alert body it gets; close it after the test.
     *
     * @since 0.1.0
     */
    public static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final List<String> ids = new CopyOnWriteArrayList<>();
        private final Map<String, String> bodies = new ConcurrentHashMap<>();

        public Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/alerts", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    String id = exchange.getRequestHeaders().getFirst(WebhookAlertSink.ALERT_ID_HEADER);
                    ids.add(id);
                    bodies.put(id, body);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        /** Where to post. */
        public URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
        }

        /** Every alert id received, once per delivery. */
        public List<String> deliveries() {
            return List.copyOf(ids);
        }

        /** The last body received per alert id. */
        public Map<String, String> bodies() {
            return Map.copyOf(bodies);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * What the receiver must have got: every alert id once, one INITIAL per canary, every event of every canary in
     * exactly one alert. Returns a description of each violation (empty when all hold).
     */
    public static List<String> violations(Receiver receiver, List<CanaryRecord> canaries) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> perId = new HashMap<>();
        receiver.deliveries().forEach(id -> perId.merge(id, 1, Integer::sum));
        perId.forEach((id, n) -> {
            if (n != 1) {
                problems.add("alert " + id + " was delivered " + n + " times");
            }
        });
        Map<String, Integer> initials = new HashMap<>();
        Map<String, Integer> covered = new LinkedHashMap<>();
        for (String body : receiver.bodies().values()) {
            String canary = field(body, "\"canary\":{\"id\":\"");
            if (body.contains("\"type\":\"" + AlertType.INITIAL + "\"")) {
                initials.merge(canary, 1, Integer::sum);
            }
            int from = body.indexOf("\"sightings\":[");
            int to = body.indexOf("],\"window\"", from);
            for (String part : body.substring(from, to).split("\"sourceEventId\":\"")) {
                if (part.startsWith(canary)) {
                    covered.merge(part.substring(0, part.indexOf('"')), 1, Integer::sum);
                }
            }
        }
        for (CanaryRecord c : canaries) {
            if (initials.getOrDefault(c.id().value(), 0) != 1) {
                problems.add("canary " + c.id() + " got " + initials.getOrDefault(c.id().value(), 0) + " INITIAL alerts");
            }
            for (Sighting s : events(c, 2)) {
                int n = covered.getOrDefault(s.sourceEventId(), 0);
                if (n != 1) {
                    problems.add("event " + s.sourceEventId() + " is in " + n + " alerts");
                }
            }
        }
        return problems;
    }

    private static String field(String json, String prefix) {
        int at = json.indexOf(prefix) + prefix.length();
        return json.substring(at, json.indexOf('"', at));
    }

    /**
     * A child process's main: {@code <store properties file> <receiver URI> <owner> <go file>}. Opens the store named
     * by the properties ({@code canary.store=...}), waits for the go file, runs round 1 and round 2 as two passes, and
     * prints each pass's failures. Exits 0 when both passes ran (at once: idle HTTP threads are not waited for).
     */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            p.load(in);
        }
        CanaryConfig config = CanaryConfig.of(p);
        try (CanaryStore store = ProviderRegistry.load(CanaryStoreProvider.class).resolve(null, config, "canary.store",
                "in-memory")) {
            List<CanaryRecord> canaries = new ArrayList<>(store.list(CanaryQuery.all()).items());
            Collections.sort(canaries, (a, b) -> a.id().compareTo(b.id()));
            Path go = Path.of(args[3]);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(go) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (int round = 1; round <= 2; round++) {
                DetectionSummary s = engine(store, canaries, round, URI.create(args[1]), args[2]).runOnce();
                System.out.println("round " + round + ": " + s.alerts().size() + " alerts, failures " + s.failures());
            }
        }
        System.out.flush();
        System.exit(0); // do not wait for idle HTTP client threads to time out
    }

    /**
     * Runs one engine per store, each on its own thread, both rounds, all engines of a round started together.
     *
     * @return the failures the passes reported (a lost claim, a retried sink), for the test's message
     */
    public static List<String> runThreads(List<CanaryStore> stores, List<CanaryRecord> canaries, Receiver receiver)
            throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        for (int round = 1; round <= 2; round++) {
            int r = round;
            CyclicBarrier start = new CyclicBarrier(stores.size());
            ExecutorService pool = Executors.newFixedThreadPool(stores.size());
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < stores.size(); i++) {
                    CanaryStore store = stores.get(i);
                    String owner = "engine-" + i;
                    done.add(pool.submit(() -> {
                        DetectionEngine engine = engine(store, canaries, r, receiver.uri(), owner);
                        start.await();
                        failures.addAll(engine.runOnce().failures());
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return failures;
    }

    /**
     * Runs {@code processes} child JVMs of {@link #main} over the store {@code storeProperties} describes, started
     * together; returns their output.
     *
     * @param env extra environment for the children (such as dummy AWS credentials)
     * @throws IllegalStateException if a child fails or hangs
     */
    public static List<String> runProcesses(int processes, Path storeProperties, Receiver receiver, Path work,
                                            Map<String, String> env) throws Exception {
        Path go = work.resolve("go");
        Files.deleteIfExists(go);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            Path log = work.resolve("child-" + i + ".log");
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ConcurrentDetection.class.getName(), storeProperties.toString(), receiver.uri().toString(),
                    "process-" + i, go.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            children.add(pb.start());
            logs.add(log);
        }
        Thread.sleep(500); // let the JVMs start, then release them together
        Files.writeString(go, "go");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            Process p = children.get(i);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                String threads = threadDump(p.pid());
                children.forEach(Process::destroyForcibly);
                throw new IllegalStateException("child " + i + " did not finish: " + Files.readString(logs.get(i))
                        + "\nits threads:\n" + threads);
            }
            String text = Files.readString(logs.get(i));
            if (p.exitValue() != 0) {
                throw new IllegalStateException("child " + i + " exited with " + p.exitValue() + ": " + text);
            }
            out.add(text);
        }
        return out;
    }

    private static String threadDump(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }
}
