package io.canarykit.benchmarks.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.StaleVersionException;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.store.CanaryFixtures;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Whole-process stress check of the JDBC store on an H2 file database, the embedded default: each round makes a new
 * database, then 8 threads each add 1 to a counter attribute of one canary 25 times through compare-and-set updates
 * (read, change, {@code update}, retry on a stale version). A round is bad when an update fails with anything but a
 * stale version, or the counter does not end at 200. H2 lost committed updates this way in 2-3% of rounds under CPU
 * load before the store queued its operations on H2; run it beside a CPU load ({@code yes > /dev/null}, twice).
 *
 * <pre>
 * java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.jdbc.H2RacingUpdates [rounds, 300]
 * </pre>
 */
public final class H2RacingUpdates {
    private static final int THREADS = 8;
    private static final int INCREMENTS = 25;

    private H2RacingUpdates() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path dir = Files.createTempDirectory("canarykit-h2-race");
        int bad = 0;
        long started = System.nanoTime();
        try {
            for (int round = 0; round < rounds; round++) {
                String problem = round(dir.resolve("store-" + round), round);
                if (problem != null) {
                    bad++;
                    System.out.println("round " + round + ": " + problem);
                }
            }
        } finally {
            delete(dir);
        }
        System.out.printf("bad rounds: %d of %d (%d updates each, %.1f s)%n", bad, rounds, THREADS * INCREMENTS,
                (System.nanoTime() - started) / 1e9);
        System.exit(bad == 0 ? 0 : 1);
    }

    /** One round on a new database: null if every update counted, else what went wrong. */
    private static @Nullable String round(Path file, long seed) throws Exception {
        try (JdbcCanaryStore store = JdbcCanaryStore.open("jdbc:h2:file:" + file, "sa", null)) {
            CanaryRecord created = store.create(new CanaryFixtures(seed).active().toBuilder()
                    .attribute("counter", "0").build());
            AtomicInteger failures = new AtomicInteger();
            List<String> firstFailure = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                threads.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < INCREMENTS; i++) {
                        if (!increment(store, created, failures, firstFailure)) {
                            return null; // this store is broken: no point going on
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : threads) {
                f.get();
            }
            pool.shutdown();
            String counter = store.find(created.id()).orElseThrow().attributes().get("counter");
            if (failures.get() > 0 || !Integer.toString(THREADS * INCREMENTS).equals(counter)) {
                return failures.get() + " failed updates, counter " + counter + " of " + THREADS * INCREMENTS
                        + (firstFailure.isEmpty() ? "" : "; first failure: " + firstFailure.get(0));
            }
            return null;
        }
    }

    private static boolean increment(JdbcCanaryStore store, CanaryRecord created, AtomicInteger failures,
                                     List<String> firstFailure) {
        while (true) {
            CanaryRecord current = store.find(created.id()).orElseThrow();
            Map<String, String> attributes = new LinkedHashMap<>(current.attributes());
            attributes.put("counter", Integer.toString(Integer.parseInt(attributes.get("counter")) + 1));
            try {
                store.update(current.toBuilder().attributes(attributes).build());
                return true;
            } catch (StaleVersionException e) {
                // lost the race: read again
            } catch (CanaryStoreException e) {
                synchronized (firstFailure) {
                    if (firstFailure.isEmpty()) {
                        firstFailure.add(e.getMessage());
                    }
                }
                return failures.incrementAndGet() < 3;
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
