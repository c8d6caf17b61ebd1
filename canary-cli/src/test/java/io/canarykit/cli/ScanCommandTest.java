package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code canary scan}, run in-process as a user would run it. */
class ScanCommandTest {
    /** The public sample corpus, committed in canary-core's test resources (Maven runs tests in the module dir). */
    static final Path SAMPLES = Path.of("../canary-core/src/test/resources/cloudtrail-samples").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TERRAFORM_KEY = "AKIATFQR7NSC8Q4X20BJ";
    private static final String CANARY_A = "01H53Z8ZK4M6X9V2B7N5C1A0EA";

    record Result(int code, String out, String err) {
        List<JsonNode> outLines() throws IOException {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
            return nodes;
        }

        JsonNode summary() throws IOException {
            String[] lines = err.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static Path canaries(Path dir, String... lines) throws IOException {
        Path f = dir.resolve("canaries.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void findsEveryUseOfACanaryKeyInTheSampleCorpus(@TempDir Path dir) throws IOException {
        assertThat(SAMPLES.resolve("MANIFEST.tsv")).exists();
        Path file = canaries(dir,
                "{\"canaryId\":\"" + CANARY_A + "\",\"accessKeyId\":\"" + TERRAFORM_KEY + "\",\"principalArn\":null,"
                        + "\"issuedAt\":\"2023-07-01T00:00:00Z\",\"expiresAt\":null}",
                "{\"canaryId\":\"fed-canary\",\"accessKeyId\":\"ASIASTJKC5GCM7ZE6LUP\",\"principalArn\":null,"
                        + "\"issuedAt\":\"2024-11-30T08:00:00Z\",\"expiresAt\":\"2024-11-30T20:00:00Z\"}");

        Result r = run("scan", "--canaries", file.toString(), "--json", SAMPLES.toString());

        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> sightings = r.outLines();
        assertThat(sightings).hasSize(2105);
        assertThat(sightings.stream().filter(s -> s.get("canaryId").asText().equals(CANARY_A))).hasSize(2104);
        JsonNode fed = sightings.stream().filter(s -> s.get("canaryId").asText().equals("fed-canary")).findFirst().orElseThrow();
        assertThat(fed.get("accessKeyId").asText()).isEqualTo("ASIASTJKC5GCM7ZE6LUP");
        assertThat(fed.get("principalArn").asText()).isEqualTo("arn:aws:sts::742491224508:federated-user/stratus_red_team");
        List<String> names = new ArrayList<>();
        Iterator<String> it = sightings.get(0).fieldNames();
        it.forEachRemaining(names::add);
        assertThat(names).containsExactly("canaryId", "eventId", "eventTime", "eventSource", "eventName", "awsRegion",
                "sourceIPAddress", "userAgent", "errorCode", "accessKeyId", "principalArn");
        JsonNode summary = r.summary();
        assertThat(summary.get("files").asLong()).isEqualTo(254 + 2 + 4); // data files + SOURCES.md, MANIFEST.tsv, LICENSES/*
        assertThat(summary.get("records").asLong()).isEqualTo(3803);
        assertThat(summary.get("sightings").asLong()).isEqualTo(2105);
        assertThat(summary.get("malformed").asLong()).as("the non-JSON files beside the data")
                .isEqualTo(summary.get("problems").size());
    }

    @Test
    void readsTheDataFilesCleanly(@TempDir Path dir) throws IOException {
        Path file = canaries(dir, "{\"canaryId\":\"" + CANARY_A + "\",\"accessKeyId\":\"" + TERRAFORM_KEY
                + "\",\"principalArn\":null,\"issuedAt\":\"2023-07-01T00:00:00Z\",\"expiresAt\":null}");
        List<String> args = new ArrayList<>(List.of("scan", "--canaries", file.toString(), "--json"));
        for (String d : List.of("cloud-custodian", "invictus-ir-aws_dataset", "otrf-security-datasets", "panther-analysis",
                "plaso", "stratus-red-team", "trailscraper")) {
            args.add(SAMPLES.resolve(d).toString());
        }

        Result r = run(args.toArray(String[]::new));

        JsonNode summary = r.summary();
        assertThat(summary.get("files").asLong()).isEqualTo(254);
        assertThat(summary.get("records").asLong()).isEqualTo(3803);
        assertThat(summary.get("malformed").asLong()).isZero();
        assertThat(summary.get("problems")).isEmpty();
        assertThat(summary.get("sightings").asLong()).isEqualTo(2104);
    }

    @Test
    void aUseOutsideTheValidityWindowIsNoSighting(@TempDir Path dir) throws IOException {
        Path file = canaries(dir, "{\"canaryId\":\"late\",\"accessKeyId\":\"" + TERRAFORM_KEY
                + "\",\"principalArn\":null,\"issuedAt\":\"2023-07-10T12:20:00Z\",\"expiresAt\":\"2023-07-10T12:25:00Z\"}");

        Result r = run("scan", "--canaries", file.toString(), "--json", SAMPLES.resolve("invictus-ir-aws_dataset").toString());

        assertThat(r.outLines()).isNotEmpty().allSatisfy(s -> assertThat(s.get("eventTime").asText())
                .isBetween("2023-07-10T12:20:00Z", "2023-07-10T12:25:00Z"));
        assertThat(r.summary().get("sightings").asLong()).isLessThan(2104).isEqualTo(r.outLines().size());
    }

    @Test
    void matchesByPrincipalArnWhenTheKeyIsUnknown(@TempDir Path dir) throws IOException {
        Path file = canaries(dir, "{\"canaryId\":\"by-arn\",\"accessKeyId\":null,"
                + "\"principalArn\":\"arn:aws:sts::742491224508:federated-user/stratus_red_team\","
                + "\"issuedAt\":\"2024-11-30T08:00:00Z\",\"expiresAt\":null}");

        Result r = run("scan", "--canaries", file.toString(), "--json", SAMPLES.resolve("stratus-red-team").toString());

        assertThat(r.outLines()).singleElement().satisfies(s -> assertThat(s.get("canaryId").asText()).isEqualTo("by-arn"));
    }

    @Test
    void malformedInputIsCountedAndReportedWithFileAndPosition(@TempDir Path dir) throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/14"));
        String good = "{\"eventID\":\"e1\",\"eventTime\":\"2025-03-14T09:26:53Z\",\"eventName\":\"ListUsers\","
                + "\"eventSource\":\"iam.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"AKIAQRSTUVWXYZ234567\"}}";
        byte[] gz = gzip("{\"Records\":[" + good + "," + good.replace("e1", "e2") + "]}");
        Files.write(logs.resolve("ok.json.gz"), gz);
        Files.write(logs.resolve("truncated.json.gz"), java.util.Arrays.copyOf(gz, gz.length - 12));
        Files.writeString(logs.resolve("lines.jsonl"), good.replace("e1", "e3") + "\n{broken\n" + good.replace("e1", "e4") + "\n");
        Path file = canaries(dir, "{\"canaryId\":\"k\",\"accessKeyId\":\"AKIAQRSTUVWXYZ234567\",\"principalArn\":null,"
                + "\"issuedAt\":\"2025-03-01T00:00:00Z\",\"expiresAt\":null}");

        Result r = run("scan", "--canaries", file.toString(), "--json", dir.resolve("logs").toString());

        assertThat(r.code()).isZero();
        assertThat(r.outLines()).extracting(n -> n.get("eventId").asText())
                .as("the truncated copy still yields the record before the cut")
                .containsExactly("e3", "e4", "e1", "e2", "e1");
        JsonNode summary = r.summary();
        assertThat(summary.get("files").asLong()).isEqualTo(3);
        assertThat(summary.get("malformed").asLong()).isEqualTo(2);
        assertThat(summary.get("problems")).hasSize(2);
        JsonNode line = summary.get("problems").get(0);
        assertThat(line.get("file").asText()).endsWith("lines.jsonl");
        assertThat(line.get("line").asLong()).isEqualTo(2);
        JsonNode trunc = summary.get("problems").get(1);
        assertThat(trunc.get("file").asText()).endsWith("truncated.json.gz");
        assertThat(trunc.get("message").asText()).contains("gzip");
    }

    @Test
    void textOutputWithoutJson(@TempDir Path dir) throws IOException {
        Path file = canaries(dir, "{\"canaryId\":\"fed\",\"accessKeyId\":\"ASIASTJKC5GCM7ZE6LUP\",\"principalArn\":null,"
                + "\"issuedAt\":\"2024-11-30T08:00:00Z\",\"expiresAt\":null}");

        Result r = run("scan", "--canaries", file.toString(),
                SAMPLES.resolve("stratus-red-team/aws.persistence.sts-federation-token.json").toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("canary fed", "ASIASTJKC5GCM7ZE6LUP", "2024-11-30T08:43:18Z");
        assertThat(r.err()).contains("scanned 1 file(s), 2 record(s): 1 sighting(s), 0 malformed");
        assertThat(r.err()).as("no progress bar when not on a terminal").doesNotContain("\r");
    }

    @Test
    void aBadCanariesFileSaysWhichLineAndWhy(@TempDir Path dir) throws IOException {
        Path file = canaries(dir, "{\"canaryId\":\"a\",\"accessKeyId\":\"AKIAQRSTUVWXYZ234567\",\"issuedAt\":\"2025-01-01T00:00:00Z\"}",
                "{\"canaryId\":\"b\",\"accessKeyId\":\"AKIAQRSTUVWXYZ234567\",\"issuedAt\":\"yesterday\"}");

        Result r = run("scan", "--canaries", file.toString(), SAMPLES.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 2").contains("issuedAt").contains("yesterday").doesNotContain("\tat ");
        assertThat(run("scan", "--canaries", dir.resolve("none.jsonl").toString(), SAMPLES.toString()).err())
                .contains("does not exist");
        assertThat(run("scan", "--canaries", file.toString()).code()).as("PATH is required").isEqualTo(2);
        assertThat(run("scan", "--canaries", canaries(dir, "{\"canaryId\":\"a\",\"accessKeyId\":\"AKIA1\","
                + "\"issuedAt\":\"2025-01-01T00:00:00Z\"}").toString(), dir.resolve("missing").toString()).err())
                .contains("no such file or directory");
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void eventTimesAreWrittenAsInstantToStringWritesThem() {
        java.util.Random random = new java.util.Random(22);
        List<java.time.Instant> times = new ArrayList<>(List.of(java.time.Instant.EPOCH,
                java.time.Instant.parse("2025-03-14T09:26:53Z"), java.time.Instant.parse("2024-02-29T23:59:59Z"),
                java.time.Instant.parse("9999-12-31T23:59:59Z"), java.time.Instant.parse("+10000-01-01T00:00:00Z"),
                java.time.Instant.parse("1969-12-31T23:59:59Z"), java.time.Instant.parse("0999-01-01T00:00:00Z"),
                java.time.Instant.parse("2025-03-14T09:26:53.120Z"), java.time.Instant.parse("2025-03-14T09:26:53.000001Z")));
        for (int i = 0; i < 20_000; i++) {
            long sec = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            times.add(java.time.Instant.ofEpochSecond(sec, i % 4 == 0 ? random.nextInt(1_000_000_000) : 0));
        }
        StringBuilder sb = new StringBuilder();
        for (java.time.Instant t : times) {
            sb.setLength(0);
            ScanCommand.instant(sb, t);
            assertThat(sb.toString()).isEqualTo(t.toString());
        }
    }

    @Test
    void aFailingOutputEndsTheScanWithAnErrorInsteadOfHanging(@TempDir Path dir) throws IOException {
        Path file = canaries(dir,
                "{\"canaryId\":\"" + CANARY_A + "\",\"accessKeyId\":\"" + TERRAFORM_KEY + "\",\"principalArn\":null,"
                        + "\"issuedAt\":\"2023-07-01T00:00:00Z\",\"expiresAt\":null}");
        StringWriter written = new StringWriter();
        PrintWriter failing = new PrintWriter(written) {
            @Override
            public void write(String s, int off, int len) {
                if (written.getBuffer().length() > 10_000) {
                    throw new IllegalStateException("output closed");
                }
                super.write(s, off, len);
            }
        };
        StringWriter err = new StringWriter();

        int code = CanaryMain.run(new String[] {"scan", "--canaries", file.toString(), "--json", SAMPLES.toString()},
                failing, new PrintWriter(err));

        assertThat(code).as(err.toString()).isNotZero();
        assertThat(err.toString()).contains("output closed");
        assertThat(written.toString().lines().count()).isLessThan(2104); // positive control: 2104 sightings otherwise
    }

    @Test
    void sightingsAndSummariesAreWrittenAsTheTreeModelWritesThem() throws IOException {
        String[] texts = {null, "", "plain", "quote \" and backslash \\", "control \u0001\t\n\r", "caf\u00e9 \u20ac \uD83D\uDE00",
                "slash / and </script>", "\u2028\u2029", "x".repeat(3000)};
        for (int i = 0; i < texts.length; i++) {
            String t = texts[i];
            String u = texts[(i + 3) % texts.length];
            io.canarykit.cloudtrail.CloudTrailRecord r = new io.canarykit.cloudtrail.CloudTrailRecord(t, i % 2 == 0
                    ? java.time.Instant.parse("2025-03-14T09:26:53Z") : null, u, t, u, t, u, t, "msg", "req", "AwsApiCall",
                    Boolean.TRUE, "123456789012",
                    new io.canarykit.cloudtrail.UserIdentity("IAMUser", null, u, null, t, null, null, null, null));
            com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
            o.put("canaryId", "c" + u);
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
            assertThat(ScanCommand.sightingJson("c" + u, r)).isEqualTo(JSON.writeValueAsString(o));
        }
        List<io.canarykit.cloudtrail.ReadProblem> problems = List.of(
                new io.canarykit.cloudtrail.ReadProblem("/tmp/a \"b\".json", 3, 14, 1234567890123L, "eventName is an object"),
                new io.canarykit.cloudtrail.ReadProblem("x", 0, 0, -1, "cannot open: \u00e9\n"));
        io.canarykit.detect.CloudTrailScan.Summary s = new io.canarykit.detect.CloudTrailScan.Summary(3, 12345678901L, 7, 2,
                99, 33, problems);
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        o.put("files", s.files());
        o.put("records", s.records());
        o.put("sightings", s.sightings());
        o.put("malformed", s.malformed());
        com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("problems");
        for (io.canarykit.cloudtrail.ReadProblem p : problems) {
            com.fasterxml.jackson.databind.node.ObjectNode j = a.addObject();
            j.put("file", p.source());
            j.put("line", p.line());
            j.put("column", p.column());
            j.put("offset", p.byteOffset());
            j.put("message", p.message());
        }
        assertThat(ScanCommand.summaryJson(s)).isEqualTo(JSON.writeValueAsString(o));
        io.canarykit.detect.CloudTrailScan.Summary empty = new io.canarykit.detect.CloudTrailScan.Summary(0, 0, 0, 0, 0, 0,
                List.of());
        assertThat(ScanCommand.summaryJson(empty)).isEqualTo("{\"files\":0,\"records\":0,\"sightings\":0,\"malformed\":0,\"problems\":[]}");
    }
}
