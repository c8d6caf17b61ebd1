package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a file with a filter (the fast path for S3 log files) gives exactly what the general reader gives with the
 * same filter: the same records handed over in the same order, the same counts, the same problems at the same
 * positions, on clean files and on every kind of broken one.
 */
class FilteredReadTest {
    private final CloudTrailReader reader = CloudTrailReader.create();

    /** What a read gave, comparable. */
    record Outcome(List<String> delivered, long records, long malformed, List<ReadProblem> problems) {
    }

    private Outcome fast(Path file, RecordFilter filter) {
        List<String> got = new ArrayList<>();
        ReadResult r = reader.read(file, filter, rec -> got.add(rec.eventId() + "/" + rec.eventName()));
        return new Outcome(got, r.records(), r.malformed(), r.problems());
    }

    private Outcome general(Path file, RecordFilter filter) throws IOException {
        List<String> got = new ArrayList<>();
        ReadResult r;
        try (var in = Files.newInputStream(file)) {
            r = reader.read(in, file.toString(), rec -> {
                if (filter.test(rec)) {
                    got.add(rec.eventId() + "/" + rec.eventName());
                }
            });
        }
        return new Outcome(got, r.records(), r.malformed(), r.problems());
    }

    private static RecordFilter filterOf(Set<String> keys, Set<String> arns) {
        return RecordFilter.of(keys, arns);
    }

    @Test
    void theSampleCorpusReadsTheSameWithAFilter() throws IOException {
        Set<String> keys = new HashSet<>();
        Set<String> arns = new HashSet<>();
        List<CloudTrailRecord> all = new ArrayList<>();
        for (Samples.Entry e : Samples.manifest()) {
            reader.read(Samples.file(e.file()), all::add);
        }
        for (int i = 0; i < all.size(); i += 7) {
            CloudTrailRecord r = all.get(i);
            if (r.accessKeyId() != null) {
                keys.add(r.accessKeyId());
            }
            if (i % 3 == 0 && r.principalArn() != null) {
                arns.add(r.principalArn());
            }
        }
        RecordFilter filter = filterOf(keys, arns);
        long delivered = 0;
        for (Samples.Entry e : Samples.manifest()) {
            Path f = Samples.file(e.file());
            Outcome fast = fast(f, filter);
            assertThat(fast).as(e.file()).isEqualTo(general(f, filter));
            assertThat(fast.records()).isEqualTo(e.records());
            delivered += fast.delivered().size();
        }
        assertThat(delivered).isGreaterThan(100);
    }

    static String record(int n, Random random, String key) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + n + "\","
                + "\"arn\":\"arn:aws:iam::123456789012:user/u" + n % 13 + "\",\"accountId\":\"123456789012\","
                + "\"accessKeyId\":\"" + key + "\",\"userName\":\"u" + n % 13 + "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"IAMUser\","
                + "\"arn\":\"arn:aws:iam::123456789012:user/issuer" + n % 5 + "\"},\"attributes\":{\"creationDate\":\"2025-03-14T09:00:00Z\","
                + "\"mfaAuthenticated\":\"false\"}}},"
                + "\"eventTime\":\"2025-03-14T09:26:53Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100." + random.nextInt(256) + "\","
                + "\"userAgent\":\"aws-cli/2.15.30 \\\"quoted\\\" \\\\ path\",\"requestParameters\":{\"n\":[1,-2.5e3,0.25,true,false,null,"
                + "{\"deep\":[[],{}]}],\"arn\":\"arn:aws:s3:::bucket\"},\"responseElements\":null,\"requestID\":\"r" + n + "\","
                + "\"eventID\":\"e" + n + "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"123456789012\"}";
    }

    private static final String[] MUTATIONS = {
            "\"eventName\":\"ListUsers\"=>\"eventName\":{\"x\":1}",
            "\"eventName\":\"ListUsers\"=>\"eventName\":[\"ListUsers\"]",
            "\"userIdentity\":{\"type\"=>\"userIdentity\":\"me\",\"u\":{\"type\"",
            "\"accessKeyId\":\"=>\"accessKeyId\":[\"x\"],\"k\":\"",
            "\"type\":\"IAMUser\",\"principalId\"=>\"type\":{\"IAMUser\":1},\"principalId\"",
            "\"sessionContext\":{=>\"sessionContext\":7,\"sc\":{",
            "\"sessionContext\":{=>\"sessionContext\":[],\"sc\":{",
            "\"readOnly\":true=>\"readOnly\":{}",
            "\"eventID\"=>\"\\u0065ventID\"",
            "\"accessKeyId\":\"AKIA=>\"accessKeyId\":\"\\u0041KIA",
            "aws-cli=>aws-clï",
            "\"eventVersion\":\"1.08\",=>\"detail-type\":\"x\",",
            "\"eventVersion\":\"1.08\",=>\"time\":\"2025-01-01T00:00:00Z\",",
            "\"eventID\":\"e=>\"EventId\":\"e",
            "{\"eventVersion\":\"1.08\",=>{\"nothing\":{\"eventName\":\"x\"},\"e\":1,",
            "\"readOnly\":true=>\"readOnly\":tru",
            "-2.5e3=>-2.5e",
            "0.25=>01",
            "\"requestID\"=>\"requestID\" \"x\"",
            "[1,=>[1,,",
            "\"eventType\":\"AwsApiCall\"=>\"eventType\":\"Aws\tApiCall\"",
            "\"eventType\":\"AwsApiCall\"=>\"eventType\":\"Aws\\qApiCall\"",
            "\"eventTime\":\"2025-03-14T09:26:53Z\"=>\"eventTime\":1741944413.5",
            "\"eventTime\":\"2025-03-14T09:26:53Z\"=>\"eventTime\":\"redacted\"",
            "\"userIdentity\":{=>\"userIdentity\":null,\"x\":{",
            "\"awsRegion\":\"us-east-1\",=>\"awsRegion\":\"us-east-1\",\"eventID\":\"dup\",",
    };

    private static String file(Random random, int records, List<String> keys, double mutationRate) {
        StringBuilder sb = new StringBuilder();
        sb.append(random.nextBoolean() ? "{\"Records\":[" : " {\n  \"Records\" : [\n");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                sb.append(random.nextInt(4) == 0 ? ",\n" : ",");
            }
            String rec = record(i, random, keys.get(random.nextInt(keys.size())));
            if (random.nextDouble() < mutationRate) {
                String[] m = MUTATIONS[random.nextInt(MUTATIONS.length)].split("=>", 2);
                rec = rec.replaceFirst(java.util.regex.Pattern.quote(m[0]), java.util.regex.Matcher.quoteReplacement(m[1]));
            }
            if (random.nextInt(10) == 0) {
                rec = rec.replace(",\"", ",\n    \"");
            }
            sb.append(rec);
        }
        sb.append("]}");
        return sb.toString();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void brokenAndOddFilesReadTheSameWithAFilter(@TempDir Path dir) throws IOException {
        List<String> keys = List.of("AKIAWATCHED000000001", "AKIAWATCHED000000002", "AKIAOTHER00000000003",
                "AKIAOTHER00000000004", "AKIAOTHER00000000005", "");
        RecordFilter filter = filterOf(Set.of("AKIAWATCHED000000001", "AKIAWATCHED000000002"),
                Set.of("arn:aws:iam::123456789012:user/u7", "arn:aws:iam::123456789012:user/issuer3"));
        Random random = new Random(20261128);
        int fellBack = 0;
        for (int round = 0; round < 250; round++) {
            String text = file(random, 1 + random.nextInt(60), keys, round % 4 == 0 ? 0 : 0.15);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int cutKind = random.nextInt(6);
            if (cutKind == 0) {
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated
            } else if (cutKind == 1) {
                byte[] tail = "\n{\"eventID\":\"after\",\"eventName\":\"X\"}\n".getBytes(StandardCharsets.UTF_8);
                byte[] more = java.util.Arrays.copyOf(bytes, bytes.length + tail.length);
                System.arraycopy(tail, 0, more, bytes.length, tail.length);
                bytes = more;
            }
            boolean gz = random.nextBoolean();
            byte[] onDisk = gz ? gzip(bytes) : bytes;
            if (gz && random.nextInt(5) == 0) {
                onDisk = java.util.Arrays.copyOf(onDisk, onDisk.length - 1 - random.nextInt(Math.min(onDisk.length - 1, 200)));
            }
            Path f = dir.resolve("f" + round + (gz ? ".json.gz" : ".json"));
            Files.write(f, onDisk);

            Outcome general = general(f, filter);
            Outcome fast = fast(f, filter);
            assertThat(fast).as("round %d (%s)", round, f).isEqualTo(general);
            if (general.malformed() > 0) {
                fellBack++;
            }
        }
        assertThat(fellBack).as("broken files were tried").isGreaterThan(60);
    }

    @Test
    void odditiesInsideRecordsAreHandledWithoutReadingTheFileTwice(@TempDir Path dir) throws IOException {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CloudTrailReader.class);
        logs.start();
        log.addAppender(logs);
        try {
            Random random = new Random(5);
            StringBuilder sb = new StringBuilder("{\"Records\":[");
            for (int i = 0; i < MUTATIONS.length; i++) {
                String rec = record(i, random, "AKIAOTHER00000000003");
                String[] m = MUTATIONS[i].split("=>", 2);
                String mutated = rec.replaceFirst(java.util.regex.Pattern.quote(m[0]), java.util.regex.Matcher.quoteReplacement(m[1]));
                boolean breaksJson;
                try {
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(mutated);
                    breaksJson = false;
                } catch (IOException e) {
                    breaksJson = true;
                }
                if (!breaksJson) {
                    sb.append(i == 0 ? "" : ",").append(mutated);
                }
            }
            sb.append("]}");
            Path f = dir.resolve("odd.json");
            Files.writeString(f, sb.toString());
            RecordFilter filter = filterOf(Set.of("AKIAWATCHED000000001"), Set.of());

            Outcome fast = fast(f, filter);

            assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("the general reader goes on"));
            assertThat(fast.malformed()).as("the wrong types and non-records").isGreaterThan(5);
            assertThat(fast).isEqualTo(general(f, filter));

            Path broken = dir.resolve("broken.json");
            Files.writeString(broken, "{\"Records\":[" + record(1, random, "AKIAWATCHED000000001") + ",{\"eventID\":}]}");
            Outcome b = fast(broken, filter);
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("the general reader goes on"));
            assertThat(b.delivered()).as("delivered once, not again by the second read").containsExactly("e1/ListUsers");
            assertThat(b).isEqualTo(general(broken, filter));
        } finally {
            log.detachAppender(logs);
        }
    }

    @Test
    void aRecordLargerThanTheBufferIsReadWhole(@TempDir Path dir) throws IOException {
        String big = "x".repeat(3 << 20);
        String rec = "{\"eventID\":\"big\",\"eventName\":\"Huge\",\"userAgent\":\"" + big + "\",\"userIdentity\":"
                + "{\"accessKeyId\":\"AKIAWATCHED000000001\"}}";
        String text = "{\"Records\":[" + rec + "," + rec.replace("\"big\"", "\"big2\"").replace("WATCHED", "OTHERKE") + "]}";
        Path f = dir.resolve("big.json.gz");
        Files.write(f, gzip(text.getBytes(StandardCharsets.UTF_8)));
        RecordFilter filter = filterOf(Set.of("AKIAWATCHED000000001"), Set.of());

        Outcome fast = fast(f, filter);

        assertThat(fast.delivered()).containsExactly("big/Huge");
        assertThat(fast.records()).isEqualTo(2);
        assertThat(fast).isEqualTo(general(f, filter));
    }

    @Test
    void aStreamIsReadByTheGeneralReaderWithTheFilter() {
        RecordFilter filter = filterOf(Set.of("AKIAWATCHED000000001"), Set.of());
        String text = "{\"Records\":[" + record(1, new Random(1), "AKIAWATCHED000000001") + ","
                + record(2, new Random(2), "AKIAOTHER00000000003") + "]}";
        List<CloudTrailRecord> got = new ArrayList<>();

        ReadResult r = reader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "s", filter, got::add);

        assertThat(r.records()).isEqualTo(2);
        assertThat(got).extracting(CloudTrailRecord::eventId).containsExactly("e1");
    }
}
