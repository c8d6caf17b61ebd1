package io.canarykit.benchmarks.dynamodb;

import io.canarykit.Asset;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.PlacementReceipt;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.store.Page;
import io.canarykit.store.dynamodb.DynamoDbCanaryStore;
import io.canarykit.store.dynamodb.DynamoDbCanaryTable;
import io.canarykit.testkit.store.CanaryFixtures;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * How many DynamoDB requests (and how many capacity units, as the server reports them) the DynamoDB store spends per
 * canary issued, per sighting stored and per lookup, counted with an SDK {@code ExecutionInterceptor}
 * ({@link RequestMeter}). Side by side, in the same run: the floor (the fewest requests any design needs for the
 * operation) and the time per operation of the DynamoDB store on the local server and of {@link InMemoryCanaryStore}
 * (the baseline every store is measured against).
 *
 * <p>Run from the repository root after {@code mvn -B -ntp -pl canary-benchmarks -am package -DskipTests}:
 * <pre>
 * java -cp canary-benchmarks/target/benchmarks.jar io.canarykit.benchmarks.dynamodb.DynamoDbRequestCostBenchmark \
 *      [--canaries 400] [--endpoint http://127.0.0.1:4567] [--dynalite-dir canary-store-dynamodb/tools/dynalite]
 * </pre>
 * Without {@code --endpoint} (or {@code DYNAMODB_ENDPOINT}) it installs and starts dynalite itself (Node.js 20+).
 * Request counts do not depend on the server; capacity units from dynalite cover the table only (no index writes).
 *
 * @since 0.1.0
 */
public final class DynamoDbRequestCostBenchmark {
    private static final String ACCOUNT = "210987654321";

    private DynamoDbRequestCostBenchmark() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int canaries = Integer.parseInt(options.getOrDefault("canaries", "400"));
        String endpoint = options.getOrDefault("endpoint", System.getenv("DYNAMODB_ENDPOINT"));
        try (LocalDynalite dynalite = endpoint == null || endpoint.isBlank()
                ? LocalDynalite.start(Path.of(options.getOrDefault("dynalite-dir", "canary-store-dynamodb/tools/dynalite")),
                        Path.of(options.getOrDefault("work-dir", "canary-benchmarks/target/dynalite")))
                : null) {
            URI uri = dynalite != null ? dynalite.endpoint() : URI.create(endpoint);
            RequestMeter meter = new RequestMeter();
            try (DynamoDbClient client = DynamoDbClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .region(Region.US_EAST_1)
                    .endpointOverride(uri)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy())
                            .addExecutionInterceptor(meter))
                    .build()) {
                System.out.printf(Locale.ROOT, "DynamoDB store request cost: %d canaries, server %s%s%n%n", canaries, uri,
                        dynalite != null ? " (dynalite 4.0.0, started by the benchmark)" : "");
                // warm-up on a table of its own, so the measured run sees a warm JIT and warm connections
                run(client, meter, Math.max(20, canaries / 4), false);
                run(client, meter, canaries, true);
            }
        }
    }

    private static void run(DynamoDbClient client, RequestMeter meter, int canaries, boolean print) {
        String table = "bench-" + System.currentTimeMillis();
        DynamoDbCanaryTable.createTableIfMissing(client, table);
        try {
            DynamoDbCanaryStore dynamo = DynamoDbCanaryStore.builder().client(client).tableName(table).build();
            InMemoryCanaryStore memory = InMemoryCanaryStore.create();
            Workload dynamoWork = new Workload(canaries);
            Workload memoryWork = new Workload(canaries);
            List<Row> rows = new ArrayList<>();
            rows.add(measure("issue: create PENDING, update ACTIVE, update receipt", "per canary", 3, canaries, meter,
                    () -> dynamoWork.issue(dynamo), () -> memoryWork.issue(memory)));
            int sightings = canaries / 2;
            rows.add(measure("addSighting, new event", "per sighting", 1, sightings, meter,
                    () -> dynamoWork.sight(dynamo), () -> memoryWork.sight(memory)));
            rows.add(measure("addSighting, duplicate event", "per sighting", 1, sightings, meter,
                    () -> dynamoWork.sight(dynamo), () -> memoryWork.sight(memory)));
            rows.add(measure("find(id)", "per lookup", 1, canaries, meter,
                    () -> dynamoWork.each(r -> dynamo.find(r.id())), () -> memoryWork.each(r -> memory.find(r.id()))));
            rows.add(measure("findByAccessKeyId", "per lookup", 1, canaries, meter,
                    () -> dynamoWork.each(r -> dynamo.findByAccessKeyId(r.accessKeyId())),
                    () -> memoryWork.each(r -> memory.findByAccessKeyId(r.accessKeyId()))));
            rows.add(measure("findByPrincipalName", "per lookup", 1, canaries, meter,
                    () -> dynamoWork.each(r -> dynamo.findByPrincipalName(r.principal().name())),
                    () -> memoryWork.each(r -> memory.findByPrincipalName(r.principal().name()))));
            rows.add(measure("findByAsset (2 canaries per asset)", "per lookup", 1, canaries, meter,
                    () -> dynamoWork.each(r -> dynamo.findByAsset(r.asset().kind(), r.asset().id())),
                    () -> memoryWork.each(r -> memory.findByAsset(r.asset().kind(), r.asset().id()))));
            rows.add(measure("sightings(id)", "per lookup", 1, canaries, meter,
                    () -> dynamoWork.each(r -> dynamo.sightings(r.id())), () -> memoryWork.each(r -> memory.sightings(r.id()))));
            rows.add(measure("countLive(account), " + canaries + " live", "per count", 1, 20, meter,
                    () -> repeat(20, () -> dynamo.countLive(ACCOUNT)), () -> repeat(20, () -> memory.countLive(ACCOUNT))));
            int pages = (canaries + 99) / 100;
            rows.add(measure("list(all, 100 a page), whole listing", "per page", 1, pages, meter,
                    () -> walk(dynamo, CanaryQuery.all().limit(100)), () -> walk(memory, CanaryQuery.all().limit(100))));
            rows.add(measure("list(live, account, 100 a page)", "per page", 1, pages, meter,
                    () -> walk(dynamo, CanaryQuery.live().account(ACCOUNT).limit(100)),
                    () -> walk(memory, CanaryQuery.live().account(ACCOUNT).limit(100))));
            if (print) {
                print(rows);
            }
        } finally {
            client.deleteTable(r -> r.tableName(table));
            meter.reset();
        }
    }

    private static void repeat(int times, Runnable r) {
        for (int i = 0; i < times; i++) {
            r.run();
        }
    }

    private static void walk(CanaryStore store, CanaryQuery query) {
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(query.after(cursor));
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    private static Row measure(String name, String unit, int floor, int operations, RequestMeter meter,
                               Runnable dynamo, Runnable memory) {
        meter.reset();
        long t0 = System.nanoTime();
        dynamo.run();
        long dynamoNanos = System.nanoTime() - t0;
        RequestMeter.Snapshot s = meter.snapshot();
        long t1 = System.nanoTime();
        memory.run();
        long memoryNanos = System.nanoTime() - t1;
        return new Row(name, unit, operations, s, floor, dynamoNanos, memoryNanos);
    }

    private static void print(List<Row> rows) {
        String format = "%-52s %-12s %9s  %-36s %9s %6s %12s %12s%n";
        System.out.printf(Locale.ROOT, format, "operation", "unit", "requests", "by operation (per unit)",
                "capacity", "floor", "ms dynalite", "ms in-mem");
        for (Row r : rows) {
            double n = r.operations;
            String byOp = r.snapshot.requests().entrySet().stream()
                    .map(e -> e.getKey() + " " + fmt(e.getValue() / n)).collect(Collectors.joining(", "));
            System.out.printf(Locale.ROOT, format, r.name, r.unit, fmt(r.snapshot.total() / n), byOp,
                    r.snapshot.responsesWithCapacity() == 0 ? "-" : fmt(r.snapshot.capacityUnits() / n),
                    r.floor, String.format(Locale.ROOT, "%.3f", r.dynamoNanos / 1e6 / n),
                    String.format(Locale.ROOT, "%.4f", r.memoryNanos / 1e6 / n));
        }
        System.out.println();
        System.out.println("requests: DynamoDB API calls per unit (SDK retries not counted); capacity: capacity units the"
                + " server reported per unit (dynalite: table only, without index writes); floor: fewest requests any"
                + " design needs; ms: mean wall time per unit, DynamoDB store on the local server vs InMemoryCanaryStore.");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private record Row(String name, String unit, int operations, RequestMeter.Snapshot snapshot, int floor,
                       long dynamoNanos, long memoryNanos) {
    }

    /** The same canaries and sightings for both stores. */
    private static final class Workload {
        private final CanaryFixtures fixtures = new CanaryFixtures(2026);
        private final int canaries;
        private final List<CanaryRecord> issued = new ArrayList<>();
        private final List<Sighting> sightings = new ArrayList<>();

        Workload(int canaries) {
            this.canaries = canaries;
        }

        /** The lifecycle's writes for each canary: write-ahead PENDING, then ACTIVE with its key, then the receipt. */
        void issue(CanaryStore store) {
            for (int i = 0; i < canaries; i++) {
                CanaryRecord planned = fixtures.active(ACCOUNT, Asset.of("host", "host-" + (i / 2)));
                CanaryRecord pending = planned.toBuilder().status(CanaryStatus.PENDING).accessKeyId(null).issuedAt(null)
                        .receipt(null).selfUses(List.of()).build();
                CanaryRecord v1 = store.create(pending);
                CanaryRecord v2 = store.update(v1.toBuilder().status(CanaryStatus.ACTIVE).accessKeyId(planned.accessKeyId())
                        .issuedAt(planned.issuedAt()).selfUses(planned.selfUses()).build());
                PlacementReceipt receipt = planned.receipt();
                issued.add(store.update(v2.toBuilder().receipt(receipt).build()));
            }
        }

        /** One sighting for each of the first half of the canaries; the second call repeats them (duplicates). */
        void sight(CanaryStore store) {
            if (sightings.isEmpty()) {
                for (int i = 0; i < canaries / 2; i++) {
                    CanaryRecord c = issued.get(i);
                    sightings.add(fixtures.sighting(c, "evt-" + i, c.issuedAt().plus(Duration.ofMinutes(5))));
                }
            }
            for (Sighting s : sightings) {
                store.addSighting(s);
            }
        }

        void each(Consumer<CanaryRecord> lookup) {
            for (CanaryRecord r : issued) {
                lookup.accept(r);
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [--canaries N] [--endpoint URL] [--dynalite-dir DIR]"
                        + " [--work-dir DIR]; got '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
