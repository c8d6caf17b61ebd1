package io.canarykit.benchmarks.jdbc;

import io.canarykit.Asset;
import io.canarykit.CanaryRecord;
import io.canarykit.Secret;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.store.CanaryFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Whole-process benchmark of the JDBC store: insert N canaries, then N sightings (one per canary), one call at a time
 * through the {@code CanaryStore} API; then time single lookups by access key id and by asset (4 canaries per asset)
 * and report p50/p99. Runs every target side by side in one process, with the in-memory store as the baseline (it
 * has no index, so it is timed on at most 1,000 lookups of each kind).
 *
 * <pre>
 * java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.jdbc.JdbcStoreBenchmark \
 *      [--rows 100000] [--lookups 20000] [--targets in-memory,h2,postgresql]
 * </pre>
 *
 * <p>PostgreSQL comes from {@code PG_URL} (+ {@code PG_USER}, {@code PG_PASSWORD}); the benchmark works in a new
 * schema and drops it afterwards. H2 is a file database in a temporary directory, deleted afterwards.
 *
 * @since 0.1.0
 */
public final class JdbcStoreBenchmark {
    private static final int ASSET_FANOUT = 4;
    private static final int IN_MEMORY_LOOKUPS = 1_000;

    private JdbcStoreBenchmark() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int rows = 100_000;
        int lookups = 20_000;
        List<String> targets = List.of("in-memory", "h2", "postgresql");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--lookups" -> lookups = Integer.parseInt(args[i + 1]);
                case "--targets" -> targets = Arrays.asList(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "JDBC store benchmark: %,d canaries + %,d sightings, %,d timed lookups of each kind"
                + " (after %,d warm-up), one thread; java %s%n", rows, rows, lookups, lookups / 4,
                System.getProperty("java.version"));
        List<CanaryRecord> records = records(rows);
        List<String> results = new ArrayList<>();
        for (String target : targets) {
            results.add(run(target.trim(), records, lookups));
        }
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "%-11s %12s %12s %10s %10s %10s %10s", "target", "canaries/s",
                "sightings/s", "akid p50", "akid p99", "asset p50", "asset p99"));
        results.forEach(System.out::println);
        System.out.println("(latencies in microseconds per call, including JSON mapping and connection borrow)");
    }

    private static List<CanaryRecord> records(int rows) {
        CanaryFixtures fixtures = new CanaryFixtures(2026);
        List<CanaryRecord> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            out.add(fixtures.active(CanaryFixtures.ACCOUNT, new Asset("host", "host-" + (i / ASSET_FANOUT),
                    java.util.Map.of("team", "team-" + (i % 97), "owner", "owner-" + (i % 1009)))));
        }
        return out;
    }

    private static String run(String target, List<CanaryRecord> records, int lookups) throws Exception {
        Path tmp = Files.createTempDirectory("canary-bench-");
        String pgSchema = null;
        CanaryStore store;
        switch (target) {
            case "in-memory" -> store = InMemoryCanaryStore.create();
            case "h2" -> store = JdbcCanaryStore.open("jdbc:h2:file:" + tmp.resolve("store"), "sa", null);
            case "postgresql" -> {
                String url = System.getenv("PG_URL");
                if (url == null || url.isBlank()) {
                    throw new IllegalStateException("target postgresql needs PG_URL (and PG_USER, PG_PASSWORD)");
                }
                pgSchema = "canary_bench_" + System.currentTimeMillis();
                pg(url, "CREATE SCHEMA " + pgSchema);
                store = JdbcCanaryStore.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema,
                        System.getenv().getOrDefault("PG_USER", "postgres"), Secret.ofNullable(System.getenv("PG_PASSWORD")));
            }
            default -> throw new IllegalArgumentException("unknown target " + target + "; use in-memory, h2, postgresql");
        }
        try (store) {
            System.out.printf(Locale.ROOT, "%n[%s] inserting %,d canaries ...%n", target, records.size());
            long t0 = System.nanoTime();
            for (CanaryRecord r : records) {
                store.create(r);
            }
            double canaryRate = records.size() / seconds(t0);

            System.out.printf(Locale.ROOT, "[%s] inserting %,d sightings ...%n", target, records.size());
            CanaryFixtures fixtures = new CanaryFixtures(7);
            t0 = System.nanoTime();
            for (int i = 0; i < records.size(); i++) {
                CanaryRecord r = records.get(i);
                store.addSighting(fixtures.sighting(r, "evt-" + i, r.createdAt().plusSeconds(30)));
            }
            double sightingRate = records.size() / seconds(t0);

            // the in-memory baseline has no index: each lookup scans every record, so it gets fewer lookups
            int n = target.equals("in-memory") ? Math.min(lookups, IN_MEMORY_LOOKUPS) : lookups;
            System.out.printf(Locale.ROOT, "[%s] timing %,d lookups of each kind ...%n", target, n);
            Random random = new Random(11);
            long[] akid = time(n, random, records, r -> check(store.findByAccessKeyId(r.accessKeyId()).size() == 1));
            long[] asset = time(n, random, records, r -> check(store.findByAsset("host", r.asset().id()).size() == ASSET_FANOUT));
            return String.format(Locale.ROOT, "%-11s %,12.0f %,12.0f %10.0f %10.0f %10.0f %10.0f", target, canaryRate,
                    sightingRate, pct(akid, 50), pct(akid, 99), pct(asset, 50), pct(asset, 99));
        } finally {
            if (pgSchema != null) {
                pg(System.getenv("PG_URL"), "DROP SCHEMA " + pgSchema + " CASCADE");
            }
            try (Stream<Path> paths = Files.walk(tmp)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + tmp);
            }
        }
    }

    private interface Lookup {
        void run(CanaryRecord r);
    }

    private static long[] time(int lookups, Random random, List<CanaryRecord> records, Lookup lookup) {
        for (int i = 0; i < lookups / 4; i++) {
            lookup.run(records.get(random.nextInt(records.size())));
        }
        long[] nanos = new long[lookups];
        for (int i = 0; i < lookups; i++) {
            CanaryRecord r = records.get(random.nextInt(records.size()));
            long t = System.nanoTime();
            lookup.run(r);
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a lookup returned the wrong number of records");
        }
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1_000.0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void pg(String url, String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", System.getenv().getOrDefault("PG_USER", "postgres"));
        if (System.getenv("PG_PASSWORD") != null) {
            p.setProperty("password", System.getenv("PG_PASSWORD"));
        }
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
