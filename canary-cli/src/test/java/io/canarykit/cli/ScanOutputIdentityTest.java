package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CanaryKey;
import io.canarykit.detect.CanaryKeyFile;
import io.canarykit.detect.CloudTrailScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code canary scan --json} prints (the scanning engine: fast path, records decoded from its bytes, sightings
 * written without Jackson) is byte for byte what the general reader gives: every record read by Jackson, matched with
 * the same canaries, written with Jackson's tree model. On every sample file, and on a set generated from the samples
 * as the benchmark generates its input (fresh ids, times, addresses and keys, a few planted canary keys, odd values).
 */
class ScanOutputIdentityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sightings the general reader gives for {@code files}, in path order, one JSON line each. */
    private static String reference(List<Path> files, Path canaries) throws IOException {
        CanaryKeyFile.Canaries known = CanaryKeyFile.read(canaries);
        CanaryIndex index = known.index();
        CloudTrailReader reader = CloudTrailReader.create();
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            reader.read(f, r -> {
                CanaryKey k = index.match(r) != null ? index.match(r) : index.exposedBy(r); // a use, else an exposure
                if (k != null) {
                    out.append(line(known.label(k), r)).append(System.lineSeparator());
                }
            });
        }
        return out.toString();
    }

    private static String line(String canaryId, CloudTrailRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("canaryId", canaryId);
        o.put("eventId", r.eventId());
        o.put("eventTime", r.eventTime() == null ? null : r.eventTime().toString());
        o.put("eventSource", r.eventSource());
        o.put("eventName", r.eventName());
        o.put("awsRegion", r.awsRegion());
        o.put("sourceIPAddress", r.sourceIpAddress());
        o.put("userAgent", r.userAgent());
        o.put("errorCode", r.errorCode());
        o.put("accessKeyId", r.accessKeyId());
        o.put("principalArn", r.principalArn());
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A canaries file with every access key id and principal ARN of {@code files} (some with windows that exclude). */
    private static Path canariesOf(Path dir, List<Path> files) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> arns = new LinkedHashSet<>();
        CloudTrailReader reader = CloudTrailReader.create();
        for (Path f : files) {
            reader.read(f, r -> {
                if (r.accessKeyId() != null && !r.accessKeyId().isBlank()) {
                    keys.add(r.accessKeyId());
                }
                if (r.principalArn() != null && !r.principalArn().isBlank()) {
                    arns.add(r.principalArn());
                }
            });
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String k : keys) {
            lines.add("{\"canaryId\":\"key-" + i + "\",\"accessKeyId\":" + JSON.writeValueAsString(k)
                    + ",\"principalArn\":null,\"issuedAt\":\"" + (i % 5 == 0 ? "2023-07-10T12:00:00Z" : "2015-01-01T00:00:00Z")
                    + "\",\"expiresAt\":null}");
            i++;
        }
        for (String a : arns) {
            if (i % 2 == 0) {
                lines.add("{\"canaryId\":\"arn-" + i + "\",\"accessKeyId\":null,\"principalArn\":"
                        + JSON.writeValueAsString(a) + ",\"issuedAt\":\"2015-01-01T00:00:00Z\",\"expiresAt\":null}");
            }
            i++;
        }
        Path f = dir.resolve("canaries.jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void everySampleFileGivesWhatTheGeneralReaderGives(@TempDir Path dir) throws IOException {
        List<Path> files = CloudTrailScan.files(List.of(ScanCommandTest.SAMPLES));
        Path canaries = canariesOf(dir, files);

        ScanCommandTest.Result r = ScanCommandTest.run("scan", "--canaries", canaries.toString(), "--json",
                ScanCommandTest.SAMPLES.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String expected = reference(files, canaries);
        assertThat(expected.lines().count()).as("sightings").isGreaterThan(3000);
        assertThat(r.out()).isEqualTo(expected);
    }

    @Test
    void aGeneratedSetGivesWhatTheGeneralReaderGives(@TempDir Path dir) throws IOException {
        List<JsonNode> samples = new ArrayList<>();
        CloudTrailReader reader = CloudTrailReader.create();
        for (Path f : CloudTrailScan.files(List.of(ScanCommandTest.SAMPLES))) {
            collect(f, samples);
        }
        assertThat(samples).hasSizeGreaterThan(3000);
        Random random = new Random(22);
        String[] planted = {"AKIAPLANTED000000001", "AKIAPLANTED000000002", "ASIAPLANTED000000003"};
        String[] odd = {"aws-cli/2.15 \"quoted\" \\ back", "caf\u00e9 \u20ac \uD83D\uDE00", "tab\tnew\nline",
                "ctl \u0001\u001f", "</script>"};
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<Path> files = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            Path file = logs.resolve(String.format("123456789012_CloudTrail_us-east-1_20250301T%02d00Z_f%d.json.gz", n, n));
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                StringBuilder sb = new StringBuilder("{\"Records\":[");
                for (int i = 0; i < 1000; i++) {
                    ObjectNode rec = samples.get(random.nextInt(samples.size())).deepCopy();
                    rec.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
                    rec.put("eventTime", String.format("2025-03-01T%02d:%02d:%02dZ", n, random.nextInt(60),
                            random.nextInt(60)));
                    rec.put("sourceIPAddress", "198.51." + random.nextInt(256) + "." + random.nextInt(256));
                    int roll = random.nextInt(100);
                    if (roll < 12 && rec.get("userIdentity") instanceof ObjectNode ui) {
                        ui.put("accessKeyId", planted[roll % planted.length]);
                        if (roll < 4) {
                            rec.put("userAgent", odd[roll % odd.length]);
                        }
                    }
                    sb.append(i == 0 ? "" : ",").append(JSON.writeValueAsString(rec));
                }
                out.write(sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            }
            files.add(file);
        }
        Path canaries = dir.resolve("canaries.jsonl");
        Files.write(canaries, List.of(
                "{\"canaryId\":\"p1\",\"accessKeyId\":\"AKIAPLANTED000000001\",\"principalArn\":null,\"issuedAt\":\"2025-02-01T00:00:00Z\",\"expiresAt\":null}",
                "{\"canaryId\":\"p2\",\"accessKeyId\":\"AKIAPLANTED000000002\",\"principalArn\":null,\"issuedAt\":\"2025-03-01T02:30:00Z\",\"expiresAt\":\"2025-03-01T04:30:00Z\"}",
                "{\"canaryId\":\"p3\",\"accessKeyId\":\"ASIAPLANTED000000003\",\"principalArn\":null,\"issuedAt\":\"2025-02-01T00:00:00Z\",\"expiresAt\":null}"));

        ScanCommandTest.Result r = ScanCommandTest.run("scan", "--canaries", canaries.toString(), "--json",
                logs.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String expected = reference(files, canaries);
        assertThat(expected.lines().count()).as("sightings").isGreaterThan(300);
        assertThat(expected).contains("\\\"quoted\\\"").contains("\\t").contains("\\u0001");
        assertThat(r.out()).isEqualTo(expected);
    }

    private static void collect(Path file, List<JsonNode> out) throws IOException {
        String name = file.getFileName().toString();
        if (!name.endsWith(".json") && !name.endsWith(".jsonl") && !name.endsWith(".json.gz")) {
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f) {
            bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
        }
        try (var it = JSON.readerFor(JsonNode.class).readValues(bytes)) {
            while (it.hasNext()) {
                add((JsonNode) it.next(), out);
            }
        }
    }

    private static void add(JsonNode n, List<JsonNode> out) throws IOException {
        if (n.isArray()) {
            for (JsonNode e : n) {
                add(e, out);
            }
        } else if (n.has("Records")) {
            add(n.get("Records"), out);
        } else if (n.has("detail") && n.get("detail").isObject()) {
            out.add(n.get("detail"));
        } else if (n.has("CloudTrailEvent") && n.get("CloudTrailEvent").isTextual()) {
            out.add(JSON.readTree(n.get("CloudTrailEvent").asText()));
        } else if (n.isObject() && (n.has("eventName") || n.has("eventID"))) {
            out.add(n);
        }
    }
}
