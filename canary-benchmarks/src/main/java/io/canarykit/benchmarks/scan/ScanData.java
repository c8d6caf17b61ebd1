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
 * Builds the benchmark's input: gzipped S3 CloudTrail log files ({@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
 * <account>_CloudTrail_<region>_<time>_<16 chars>.json.gz}) made by replicating the records of the public sample
 * corpus, each copy with a fresh {@code eventID}/{@code requestID}, a shifted {@code eventTime} and another source
 * address (so that the files compress like real ones, not like a repeated string); a few copies are re-signed with
 * planted canary keys so that the scan finds something. Also writes the canaries file {@code canary scan} reads.
 */
final class ScanData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    static final String ACCOUNT = "123456789012";
    static final Instant START = Instant.parse("2025-03-01T00:00:00Z");

    /** What was generated. */
    record Generated(List<Path> files, long records, long compressedBytes, long plainBytes, List<String> plantedKeys,
                     long plantedRecords) {
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
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<JsonNode> roots = new ArrayList<>();
            try (var it = JSON.readerFor(JsonNode.class).readValues(text)) {
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
     * Writes at least {@code targetCompressedBytes} of gzipped log files under {@code dir}, with {@code threads}
     * writers. Record {@code i} of the whole data set is re-signed with planted key {@code i / plantEvery % keys}
     * when {@code i % plantEvery == 0}.
     */
    static Generated generate(Path dir, List<ObjectNode> samples, long targetCompressedBytes, int recordsPerFile,
                              List<String> plantedKeys, int plantEvery, int threads) throws Exception {
        Files.createDirectories(dir);
        AtomicLong compressed = new AtomicLong();
        AtomicLong plain = new AtomicLong();
        AtomicLong records = new AtomicLong();
        AtomicLong planted = new AtomicLong();
        AtomicLong fileNo = new AtomicLong();
        List<Path> files = java.util.Collections.synchronizedList(new ArrayList<>());
        String[] regions = {"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                JsonFactory factory = JSON.getFactory();
                while (compressed.get() < targetCompressedBytes) {
                    long n = fileNo.getAndIncrement();
                    Random random = new Random(n * 7919 + 17);
                    String region = regions[(int) (n % regions.length)];
                    Instant fileTime = START.plusSeconds(n * 300);
                    String unique = randomName(random);
                    Path file = dir.resolve("AWSLogs/" + ACCOUNT + "/CloudTrail/" + region + "/" + DAY.format(fileTime) + "/"
                            + ACCOUNT + "_CloudTrail_" + region + "_" + NAME.format(fileTime) + "_" + unique + ".json.gz");
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
                            for (int i = 0; i < recordsPerFile; i++) {
                                long global = n * recordsPerFile + i;
                                ObjectNode r = samples.get(random.nextInt(samples.size())).deepCopy();
                                r.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
                                r.put("requestID", new UUID(random.nextLong(), random.nextLong()).toString());
                                r.put("eventTime", ISO.format(fileTime.plusSeconds(random.nextInt(300))));
                                r.put("awsRegion", region);
                                r.put("recipientAccountId", ACCOUNT);
                                if (r.has("sourceIPAddress") && !r.get("sourceIPAddress").asText().contains(".amazonaws.com")) {
                                    r.put("sourceIPAddress", "198.51." + random.nextInt(256) + "." + random.nextInt(256));
                                }
                                if (global % plantEvery == 0 && !plantedKeys.isEmpty()) {
                                    JsonNode ui = r.get("userIdentity");
                                    ObjectNode identity = ui != null && ui.isObject() ? (ObjectNode) ui : r.putObject("userIdentity");
                                    identity.put("type", "IAMUser");
                                    identity.put("accessKeyId", plantedKeys.get((int) (global / plantEvery % plantedKeys.size())));
                                    planted.incrementAndGet();
                                }
                                JSON.writeTree(g, r);
                            }
                            g.writeEndArray();
                            g.writeEndObject();
                            g.flush();
                            plain.addAndGet(p.count);
                        }
                        compressed.addAndGet(counter.count);
                        records.addAndGet(recordsPerFile);
                        files.add(file);
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
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(null);
        return new Generated(sorted, records.get(), compressed.get(), plain.get(), plantedKeys, planted.get());
    }

    /**
     * Writes {@code count} canaries (the planted keys first, then made-up keys) in the {@code canary scan} format,
     * valid over the whole data set.
     */
    static void writeCanaries(Path file, int count, List<String> plantedKeys) throws IOException {
        Random random = new Random(42);
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                String key = i < plantedKeys.size() ? plantedKeys.get(i) : accessKeyId(random);
                CanaryId id = CanaryId.generate(START.minusSeconds(86_400 + i), random);
                w.write("{\"canaryId\":\"" + id + "\",\"accessKeyId\":\"" + key + "\",\"principalArn\":"
                        + (i % 3 == 0 ? "\"arn:aws:iam::" + ACCOUNT + ":user/canary/svc-" + i + "\"" : "null")
                        + ",\"issuedAt\":\"" + START.minusSeconds(86_400) + "\",\"expiresAt\":null}\n");
            }
        }
    }

    static List<String> plantedKeys(int n) {
        Random random = new Random(99);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(accessKeyId(random));
        }
        return keys;
    }

    static String accessKeyId(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder("AKIA");
        while (sb.length() < 20) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
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
