package io.canarykit.benchmarks.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryId;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the scan benchmark's input: gzipped S3 CloudTrail log files as a trail delivers them
 * ({@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<16 chars>.json.gz}),
 * each record drawn at random (from a working set of the public sample corpus's records per file, some drawn far
 * more often than others, as a few principals make most of a file's calls) with a fresh {@code eventID} and {@code requestID}, an
 * {@code eventTime} inside the file's five minutes, another source address and a fresh access key id (of the same
 * kind, {@code AKIA}/{@code ASIA}, from a pool per file, as sessions repeat within a file), so that the files compress
 * like real ones (about 10 to 15 times) rather than like repeated copies. Files are generated from seeds, so a
 * workload is the same every time it is generated.
 *
 * <p>Planting: a few dozen records spread over the set are re-signed with the first canaries' keys (every workload);
 * with {@code incidentShare} above 0, that share of the records is re-signed with one more canary key (an enumeration
 * tool at work).
 */
final class ScanData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    static final Instant START = Instant.parse("2025-03-01T00:00:00Z");
    private static final String[] REGIONS = {"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"};
    /** Changes whenever what is generated changes: the benchmark then generates its input anew. */
    static final int VERSION = 2;
    /** How many sample records one file draws from. */
    private static final int WORKING_SET = 16;
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /**
     * One workload's shape.
     *
     * @param files          how many files
     * @param recordsPerFile records in each
     * @param accounts       accounts the files are spread over (an organisation trail)
     * @param planted        records re-signed with the first canaries' keys, spread over the set
     * @param incidentShare  the share of records re-signed with the incident key (0 for none)
     */
    record Shape(int files, int recordsPerFile, int accounts, int planted, double incidentShare) {
        long records() {
            return (long) files * recordsPerFile;
        }
    }

    /** What was generated. */
    record Generated(long records, long compressedBytes, long plainBytes, long planted, long incident) {
    }

    private ScanData() {
    }

    /** Every record of the sample corpus, as JSON trees (reading every shape the corpus has). */
    static List<ObjectNode> sampleRecords(Path samples) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(samples)) {
            files = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".json.gz");
            }).sorted().toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            List<JsonNode> roots = new ArrayList<>();
            try (var it = JSON.readerFor(JsonNode.class).readValues(bytes)) {
                while (it.hasNext()) {
                    roots.add((JsonNode) it.next());
                }
            }
            for (JsonNode root : roots) {
                collect(root, out);
            }
        }
        return out;
    }

    private static void collect(JsonNode n, List<ObjectNode> out) throws IOException {
        if (n.isArray()) {
            for (JsonNode e : n) {
                collect(e, out);
            }
        } else if (n.has("Records")) {
            collect(n.get("Records"), out);
        } else if (n.has("detail") && n.get("detail").isObject()) {
            out.add((ObjectNode) n.get("detail"));
        } else if (n.has("CloudTrailEvent") && n.get("CloudTrailEvent").isTextual()) {
            out.add((ObjectNode) JSON.readTree(n.get("CloudTrailEvent").asText()));
        } else if (n.isObject() && (n.has("eventName") || n.has("eventID"))) {
            out.add((ObjectNode) n);
        }
    }

    /**
     * Writes the workload's files under {@code dir} with {@code threads} writers. Records re-signed with
     * {@code plantedKeys} are spread evenly; {@code incidentKey} signs {@code shape.incidentShare()} of the rest.
     */
    static Generated generate(Path dir, List<ObjectNode> samples, Shape shape, long seed, List<String> plantedKeys,
                              String incidentKey, int threads) throws Exception {
        Files.createDirectories(dir);
        AtomicLong compressed = new AtomicLong();
        AtomicLong plain = new AtomicLong();
        AtomicLong planted = new AtomicLong();
        AtomicLong incident = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long plantEvery = shape.planted() == 0 ? Long.MAX_VALUE : Math.max(1, shape.records() / shape.planted());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                JsonFactory factory = JSON.getFactory();
                for (long n = next.getAndIncrement(); n < shape.files(); n = next.getAndIncrement()) {
                    Random random = new Random(seed * 1_000_003L + n * 7919 + 17);
                    String account = account((int) (n % shape.accounts()));
                    String region = REGIONS[(int) (n / shape.accounts() % REGIONS.length)];
                    long slot = n / ((long) shape.accounts() * REGIONS.length);
                    Instant fileTime = START.plusSeconds(slot * 300);
                    Path file = dir.resolve("AWSLogs/" + account + "/CloudTrail/" + region + "/" + DAY.format(fileTime)
                            + "/" + account + "_CloudTrail_" + region + "_" + NAME.format(fileTime) + "_"
                            + randomName(random) + ".json.gz");
                    // a file's traffic: a few principals doing a few things (what makes real logs compress 10-15x)
                    int[] workingSet = new int[WORKING_SET];
                    for (int k = 0; k < workingSet.length; k++) {
                        workingSet[k] = random.nextInt(samples.size());
                    }
                    String[] keyPool = new String[24];
                    for (int k = 0; k < keyPool.length; k++) {
                        keyPool[k] = accessKeyId(random, k % 3 == 0 ? "AKIA" : "ASIA");
                    }
                    try {
                        Files.createDirectories(file.getParent());
                        CountingStream counter;
                        try (OutputStream raw = Files.newOutputStream(file);
                             CountingStream c = new CountingStream(new BufferedOutputStream(raw, 1 << 16));
                             GZIPOutputStream gz = new GZIPOutputStream(c, 1 << 16);
                             CountingStream p = new CountingStream(gz);
                             JsonGenerator g = factory.createGenerator(p)) {
                            counter = c;
                            g.writeStartObject();
                            g.writeArrayFieldStart("Records");
                            for (int i = 0; i < shape.recordsPerFile(); i++) {
                                long global = n * shape.recordsPerFile() + i;
                                int pick = random.nextInt(WORKING_SET);
                                pick = random.nextInt(pick + 1); // skewed: some calls far more often than others
                                ObjectNode r = samples.get(workingSet[pick]).deepCopy();
                                vary(r, random, fileTime, region, account, keyPool);
                                double roll = random.nextDouble(); // drawn in every workload: the same records
                                if (global % plantEvery == plantEvery / 2 && !plantedKeys.isEmpty()) {
                                    sign(r, plantedKeys.get((int) (global / plantEvery % plantedKeys.size())));
                                    planted.incrementAndGet();
                                } else if (roll < shape.incidentShare()) {
                                    sign(r, incidentKey);
                                    incident.incrementAndGet();
                                }
                                JSON.writeTree(g, r);
                            }
                            g.writeEndArray();
                            g.writeEndObject();
                            g.flush();
                            plain.addAndGet(p.count);
                        }
                        compressed.addAndGet(counter.count);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new Generated(shape.records(), compressed.get(), plain.get(), planted.get(), incident.get());
    }

    /** Fresh ids, a time in the file's five minutes, the file's region and account, another address and key. */
    private static void vary(ObjectNode r, Random random, Instant fileTime, String region, String account,
                             String[] keyPool) {
        r.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
        if (r.has("requestID")) {
            r.put("requestID", new UUID(random.nextLong(), random.nextLong()).toString());
        }
        r.put("eventTime", ISO.format(fileTime.plusSeconds(random.nextInt(300))));
        r.put("awsRegion", region);
        r.put("recipientAccountId", account);
        JsonNode ip = r.get("sourceIPAddress");
        if (ip != null && ip.isTextual() && !ip.asText().endsWith(".amazonaws.com") && !ip.asText().startsWith("AWS")) {
            r.put("sourceIPAddress", random.nextInt(4) == 0
                    ? "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
                    : (random.nextInt(223) + 1) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + random.nextInt(256));
        }
        JsonNode ui = r.get("userIdentity");
        JsonNode k = ui instanceof ObjectNode ? ui.get("accessKeyId") : null;
        if (k != null && k.isTextual() && k.asText().length() == 20) {
            ObjectNode identity = (ObjectNode) ui;
            String old = k.asText();
            String fresh = keyPool[random.nextInt(keyPool.length)];
            identity.put("accessKeyId", old.substring(0, 4) + fresh.substring(4));
        }
    }

    /** Re-signs a record with {@code key}, as an IAM user's call. */
    private static void sign(ObjectNode r, String key) {
        JsonNode ui = r.get("userIdentity");
        ObjectNode identity = ui != null && ui.isObject() ? (ObjectNode) ui : r.putObject("userIdentity");
        identity.put("type", "IAMUser");
        identity.put("accessKeyId", key);
    }

    /**
     * Writes {@code count} canaries in the {@code canary scan} format, valid over the whole data set: the planted keys
     * first, then the incident key, then made-up keys; a third of them with a principal ARN.
     */
    static void writeCanaries(Path file, int count, List<String> plantedKeys, String incidentKey) throws IOException {
        Random random = new Random(42);
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                String key = i < plantedKeys.size() ? plantedKeys.get(i)
                        : i == plantedKeys.size() ? incidentKey : accessKeyId(random, "AKIA");
                CanaryId id = CanaryId.generate(START.minusSeconds(86_400 + i), random);
                w.write("{\"canaryId\":\"" + id + "\",\"accessKeyId\":\"" + key + "\",\"principalArn\":"
                        + (i % 3 == 0 ? "\"arn:aws:iam::" + account(i % 50) + ":user/canary/svc-" + i + "\"" : "null")
                        + ",\"issuedAt\":\"" + START.minusSeconds(86_400) + "\",\"expiresAt\":null}\n");
            }
        }
    }

    static List<String> plantedKeys(int n) {
        Random random = new Random(99);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(accessKeyId(random, "AKIA"));
        }
        return keys;
    }

    static String incidentKey() {
        return accessKeyId(new Random(4711), "AKIA");
    }

    static String accessKeyId(Random random, String prefix) {
        StringBuilder sb = new StringBuilder(prefix);
        while (sb.length() < 20) {
            sb.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String account(int i) {
        return String.format("%012d", 123456789012L + i * 1_000_003L);
    }

    private static String randomName(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Counts the bytes written through it. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
