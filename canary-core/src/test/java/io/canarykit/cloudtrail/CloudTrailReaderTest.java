package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CloudTrailReaderTest {
    private final CloudTrailReader reader = CloudTrailReader.create();

    static String record(int n) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDACKCEVSQ6C2EXAMPLE\","
                + "\"arn\":\"arn:aws:iam::123456789012:user/canary/ci-deploy-7f3a\",\"accountId\":\"123456789012\","
                + "\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"userName\":\"ci-deploy-7f3a\"},"
                + "\"eventTime\":\"2025-03-14T09:26:53Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.23\",\"userAgent\":\"aws-cli/2.15.30\","
                + "\"errorCode\":\"AccessDenied\",\"errorMessage\":\"not authorized\",\"requestParameters\":{\"a\":[1,{\"b\":null}]},"
                + "\"responseElements\":null,\"requestID\":\"req-" + n + "\",\"eventID\":\"event-" + n + "\",\"readOnly\":true,"
                + "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"123456789012\"}";
    }

    private static String s3File(int from, int count) {
        StringBuilder sb = new StringBuilder("{\"Records\":[");
        for (int i = from; i < from + count; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append(record(i));
        }
        return sb.append("]}").toString();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private List<CloudTrailRecord> records = new ArrayList<>();

    private ReadResult read(String text) {
        records = new ArrayList<>();
        return reader.read(text, "test.json", records::add);
    }

    @Test
    void readsEveryFieldDetectionNeeds() {
        ReadResult r = read(record(1));

        assertThat(r.records()).isEqualTo(1);
        assertThat(r.shapes()).containsExactly(RecordShape.SINGLE_RECORD);
        CloudTrailRecord rec = records.get(0);
        assertThat(rec.eventId()).isEqualTo("event-1");
        assertThat(rec.eventTime()).isEqualTo(Instant.parse("2025-03-14T09:26:53Z"));
        assertThat(rec.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(rec.eventName()).isEqualTo("ListUsers");
        assertThat(rec.awsRegion()).isEqualTo("us-east-1");
        assertThat(rec.sourceIpAddress()).isEqualTo("198.51.100.23");
        assertThat(rec.userAgent()).isEqualTo("aws-cli/2.15.30");
        assertThat(rec.errorCode()).isEqualTo("AccessDenied");
        assertThat(rec.errorMessage()).isEqualTo("not authorized");
        assertThat(rec.requestId()).isEqualTo("req-1");
        assertThat(rec.readOnly()).isTrue();
        assertThat(rec.eventType()).isEqualTo("AwsApiCall");
        assertThat(rec.recipientAccountId()).isEqualTo("123456789012");
        assertThat(rec.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(rec.principalArn()).isEqualTo("arn:aws:iam::123456789012:user/canary/ci-deploy-7f3a");
        assertThat(rec.userIdentity().principalName()).isEqualTo("ci-deploy-7f3a");
        assertThat(rec.userIdentity().type()).isEqualTo("IAMUser");
    }

    @Test
    void readsUserIdentityVariants() {
        String assumed = "{\"eventID\":\"e1\",\"eventTime\":\"2025-03-14T09:41:17Z\",\"eventName\":\"DescribeInstances\","
                + "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROADBQP57FF2AEXAMPLE:canary-session\","
                + "\"arn\":\"arn:aws:sts::123456789012:assumed-role/canary-readonly/canary-session\",\"accountId\":\"123456789012\","
                + "\"accessKeyId\":\"ASIAIOSFODNN7EXAMPLE\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                + "\"principalId\":\"AROADBQP57FF2AEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:role/canary/canary-readonly\","
                + "\"accountId\":\"123456789012\",\"userName\":\"canary-readonly\"},\"webIdFederationData\":{},"
                + "\"attributes\":{\"creationDate\":\"20131102T010628Z\",\"mfaAuthenticated\":\"false\"}}}}";
        String service = "{\"eventID\":\"e2\",\"eventTime\":\"2025-03-14T09:41:17Z\",\"eventName\":\"Decrypt\","
                + "\"userIdentity\":{\"accountId\":\"123456789012\",\"invokedBy\":\"AWS Internal\"}}";
        String empty = "{\"eventID\":\"e3\",\"eventName\":\"X\",\"userIdentity\":{\"accessKeyId\":\"\",\"sessionContext\":"
                + "{\"sessionIssuer\":{}}}}";
        ReadResult r = read(assumed + "\n" + service + "\n" + empty);

        assertThat(r.records()).isEqualTo(3);
        assertThat(r.malformed()).isZero();
        assertThat(r.shapes()).contains(RecordShape.JSON_LINES, RecordShape.SINGLE_RECORD);
        UserIdentity a = records.get(0).userIdentity();
        assertThat(a.principalName()).isEqualTo("canary-session");
        assertThat(a.sessionIssuer().arn()).isEqualTo("arn:aws:iam::123456789012:role/canary/canary-readonly");
        assertThat(a.sessionIssuer().type()).isEqualTo("Role");
        assertThat(a.sessionCreated()).isEqualTo(Instant.parse("2013-11-02T01:06:28Z"));
        UserIdentity s = records.get(1).userIdentity();
        assertThat(s.type()).isNull();
        assertThat(s.invokedBy()).isEqualTo("AWS Internal");
        assertThat(s.principalName()).isNull();
        UserIdentity e = records.get(2).userIdentity();
        assertThat(e.accessKeyId()).as("an empty accessKeyId is absent").isNull();
        assertThat(e.sessionIssuer()).as("an empty sessionIssuer is absent").isNull();
        assertThat(records.get(2).eventTime()).isNull();
    }

    @Test
    void readsS3LogFilesPlainAndGzippedWithoutTrustingTheName(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("a.json.gz"); // misleading name: not compressed
        Files.writeString(plain, s3File(0, 5));
        Path gz = dir.resolve("b.json"); // misleading name: compressed
        Files.write(gz, gzip(s3File(5, 7)));

        List<CloudTrailRecord> got = new ArrayList<>();
        ReadResult a = reader.read(plain, got::add);
        ReadResult b = reader.read(gz, got::add);

        assertThat(a.gzipped()).isFalse();
        assertThat(b.gzipped()).isTrue();
        assertThat(a.records() + b.records()).isEqualTo(12);
        assertThat(got).extracting(CloudTrailRecord::eventId)
                .containsExactly("event-0", "event-1", "event-2", "event-3", "event-4", "event-5", "event-6", "event-7",
                        "event-8", "event-9", "event-10", "event-11");
        assertThat(a.shapes()).containsExactly(RecordShape.S3_LOG_FILE);
    }

    /**
     * The buffers and the inflater a thread reuses from one source to the next leak nothing: a long file (whose 300 KB
     * record grows the scan buffer), a file cut off in the middle of its gzip data and a decompression bomb cut off at its limit, each
     * followed on the same thread by a short file, plain or gzipped: the short file gives what it gives read first
     * on a fresh thread, record for record, and its wanted record only.
     */
    @Test
    void aShortFileAfterALongOneOnTheSameThreadGivesOnlyItsOwnRecords(@TempDir Path dir) throws Exception {
        RecordFilter filter = RecordFilter.of(List.of("AKIAIOSFODNN7EXAMPLE"), List.of());
        String big = record(0).replace("\"a\":[1,", "\"a\":[\"" + "x".repeat(300_000) + "\",1,");
        Path longFile = dir.resolve("long.json.gz");
        Files.write(longFile, gzip("{\"Records\":[" + big + "," + s3File(1, 1000).substring(12)));
        byte[] cutWhole = gzip(s3File(5000, 2000));
        Path cut = dir.resolve("cut.json.gz");
        Files.write(cut, Arrays.copyOf(cutWhole, cutWhole.length * 2 / 3));
        Path bomb = dir.resolve("bomb.json.gz");
        Files.write(bomb, gzip("{\"Records\":[" + record(9000) + "," + " ".repeat(3 << 20) + record(9001) + "]}"));
        Path shortGz = dir.resolve("short.json.gz");
        Files.write(shortGz, gzip(s3File(7, 1)));
        Path shortPlain = dir.resolve("short.json");
        Files.writeString(shortPlain, s3File(8, 2));
        CloudTrailReader limited = CloudTrailReader.create();
        // the bomb is cut off at 1 MiB (the workspace is the thread's, whichever reader reads)
        CloudTrailReader cutOff = CloudTrailReader.builder().maxDecompressedBytes(1 << 20).build();

        java.util.Map<Path, List<String>> fresh = new java.util.HashMap<>();
        java.util.Map<Path, ReadResult> freshResults = new java.util.HashMap<>();
        for (Path p : List.of(shortGz, shortPlain)) {
            Thread t = new Thread(() -> { // a thread of its own: a workspace nobody used before
                List<String> ids = new ArrayList<>();
                freshResults.put(p, limited.read(p, filter, r -> ids.add(r.eventId())));
                fresh.put(p, ids);
            });
            t.start();
            t.join();
        }
        assertThat(fresh.get(shortGz)).containsExactly("event-7");
        assertThat(fresh.get(shortPlain)).containsExactly("event-8", "event-9");

        for (Path before : List.of(longFile, cut, bomb)) {
            for (Path after : List.of(shortGz, shortPlain)) {
                List<String> ignored = new ArrayList<>();
                ReadResult first = (before == bomb ? cutOff : limited).read(before, filter,
                        r -> ignored.add(r.eventId()));
                assertThat(first.records()).as(before.toString()).isPositive();
                assertThat(first.malformed()).isEqualTo(before == longFile ? 0 : 1);
                List<String> ids = new ArrayList<>();
                ReadResult r = limited.read(after, filter, rec -> ids.add(rec.eventId()));
                assertThat(ids).as(after + " after " + before).isEqualTo(fresh.get(after));
                assertThat(r.records()).isEqualTo(freshResults.get(after).records());
                assertThat(r.bytes()).isEqualTo(freshResults.get(after).bytes());
                assertThat(r.gzipped()).isEqualTo(freshResults.get(after).gzipped());
                assertThat(r.malformed()).isZero();
                assertThat(r.problems()).isEmpty();
            }
        }
        // and the long file, read again after the short ones, still gives all of its records
        List<String> again = new ArrayList<>();
        assertThat(limited.read(longFile, filter, rec -> again.add(rec.eventId())).records()).isEqualTo(1001);
        assertThat(again).hasSize(1001).startsWith("event-0", "event-1").endsWith("event-1000");
    }

    @Test
    void concatenatedGzipMembersAreOneStream() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(gzip(s3File(0, 2) + "\n"));
        both.write(gzip(s3File(2, 3)));
        List<CloudTrailRecord> got = new ArrayList<>();
        ReadResult r = reader.read(new java.io.ByteArrayInputStream(both.toByteArray()), "two-members.gz", got::add);

        assertThat(r.records()).isEqualTo(5);
        assertThat(r.malformed()).isZero();
    }

    @Test
    void readsArraysOfEnvelopesAndLookupItems() {
        String envelope = "{\"version\":\"0\",\"id\":\"6a7e8feb\",\"detail-type\":\"AWS API Call via CloudTrail\","
                + "\"source\":\"aws.iam\",\"account\":\"123456789012\",\"time\":\"2025-03-14T09:26:53Z\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{\"eventVersion\":\"1.08\",\"eventName\":\"ListUsers\",\"eventID\":\"ev-1\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}}";
        String lookup = "{\"EventId\":\"ev-2\",\"EventName\":\"GetCallerIdentity\",\"ReadOnly\":\"true\","
                + "\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"EventTime\":1741944413.5,\"EventSource\":\"sts.amazonaws.com\","
                + "\"Username\":\"ci\",\"Resources\":[],\"CloudTrailEvent\":\"{\\\"eventName\\\":\\\"GetCallerIdentity\\\","
                + "\\\"eventSource\\\":\\\"sts.amazonaws.com\\\",\\\"awsRegion\\\":\\\"us-east-1\\\"}\"}";
        ReadResult r = read("[" + envelope + "," + lookup + "]");

        assertThat(r.records()).isEqualTo(2);
        assertThat(r.shapes()).contains(RecordShape.JSON_ARRAY, RecordShape.EVENTBRIDGE, RecordShape.LOOKUP_EVENTS);
        CloudTrailRecord fromEnvelope = records.get(0);
        assertThat(fromEnvelope.eventTime()).as("the envelope's time fills in").isEqualTo("2025-03-14T09:26:53Z");
        assertThat(fromEnvelope.awsRegion()).isEqualTo("us-east-1");
        assertThat(fromEnvelope.recipientAccountId()).isEqualTo("123456789012");
        CloudTrailRecord fromLookup = records.get(1);
        assertThat(fromLookup.eventId()).as("the item's EventId fills in").isEqualTo("ev-2");
        assertThat(fromLookup.eventTime()).isEqualTo(Instant.parse("2025-03-14T09:26:53.500Z"));
        assertThat(fromLookup.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
    }

    @Test
    void readsAWholeLookupEventsResponse() {
        String response = "{\"Events\":[{\"EventId\":\"a\",\"CloudTrailEvent\":\"{\\\"eventID\\\":\\\"a\\\",\\\"eventName\\\":\\\"X\\\"}\"},"
                + "{\"EventId\":\"b\",\"CloudTrailEvent\":\"{\\\"eventID\\\":\\\"b\\\",\\\"eventName\\\":\\\"Y\\\"}\"}],"
                + "\"NextToken\":\"kbOt5\"}";
        ReadResult r = read(response);

        assertThat(r.records()).isEqualTo(2);
        assertThat(records).extracting(CloudTrailRecord::eventName).containsExactly("X", "Y");
        assertThat(r.shapes()).containsExactly(RecordShape.LOOKUP_EVENTS);
    }

    @Test
    void wrongTypesSkipOnlyTheirRecord() {
        String bad1 = record(2).replace("\"eventName\":\"ListUsers\"", "\"eventName\":{\"oops\":1}");
        String bad2 = record(3).replace("\"userIdentity\":{", "\"userIdentity\":\"me\",\"x\":{");
        String bad3 = record(4).replace("\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"", "\"accessKeyId\":[\"AKIA\"]");
        String text = "{\"Records\":[" + record(1) + "," + bad1 + "," + bad2 + ",42," + bad3 + "," + record(5) + "]}";
        ReadResult r = read(text);

        assertThat(records).extracting(CloudTrailRecord::eventId).containsExactly("event-1", "event-5");
        assertThat(r.records()).isEqualTo(2);
        assertThat(r.malformed()).isEqualTo(4);
        assertThat(r.problems()).extracting(ReadProblem::message).containsExactly(
                "eventName is an object, expected a string",
                "userIdentity is a string, expected an object",
                "expected a record object in the array, found a number",
                "userIdentity.accessKeyId is an array, expected a string");
        assertThat(r.problems()).allSatisfy(p -> {
            assertThat(p.source()).isEqualTo("test.json");
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.byteOffset()).isPositive();
        });
        // the position is where the bad record starts
        ReadProblem first = r.problems().get(0);
        assertThat(text.substring((int) first.byteOffset())).startsWith("{\"eventVersion\"").contains("oops");
        assertThat(first.column()).isEqualTo(first.byteOffset() + 1);
    }

    @Test
    void anInvalidLineOfJsonLinesLosesOnlyThatLine() {
        String text = record(1) + "\n" + record(2) + "\n" + "{\"eventID\": \"broken\", \"eventName\": }\n"
                + "not json at all\n" + record(3) + "\n";
        ReadResult r = read(text);

        assertThat(records).extracting(CloudTrailRecord::eventId).containsExactly("event-1", "event-2", "event-3");
        assertThat(r.malformed()).isEqualTo(1);
        ReadProblem p = r.problems().get(0);
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).startsWith("invalid JSON");
        assertThat(p.byteOffset()).isBetween((long) (record(1).length() + record(2).length() + 2),
                (long) (record(1).length() + record(2).length() + 40));
    }

    @Test
    void severalBrokenLinesAreEachReported() {
        String text = record(1) + "\n{\"eventID\":\"x\",,}\n" + record(2) + "\n{]\n" + record(3) + "\n";
        ReadResult r = read(text);

        assertThat(records).extracting(CloudTrailRecord::eventId).containsExactly("event-1", "event-2", "event-3");
        assertThat(r.malformed()).isEqualTo(2);
        assertThat(r.problems()).extracting(ReadProblem::line).containsExactly(2L, 4L);
    }

    @Test
    void aTruncatedFileKeepsTheRecordsBeforeTheCut() {
        String whole = s3File(0, 10);
        String cut = whole.substring(0, whole.indexOf("event-7") + 3);
        ReadResult r = read(cut);

        assertThat(records).extracting(CloudTrailRecord::eventId)
                .containsExactly("event-0", "event-1", "event-2", "event-3", "event-4", "event-5", "event-6");
        assertThat(r.malformed()).isEqualTo(1);
        assertThat(r.problems().get(0).message()).startsWith("invalid JSON").containsIgnoringCase("end-of-input");
    }

    @Test
    void aTruncatedGzipFileKeepsTheRecordsBeforeTheCut(@TempDir Path dir) throws IOException {
        byte[] whole = gzip(s3File(0, 2000));
        Path file = dir.resolve("123456789012_CloudTrail_us-east-1_20250314T0930Z_9yNIXKqYIVznl2sf.json.gz");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));

        List<CloudTrailRecord> got = new ArrayList<>();
        ReadResult r = reader.read(file, got::add);

        assertThat(got).isNotEmpty();
        assertThat(got.size()).isLessThan(2000);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).eventId()).isEqualTo("event-" + i);
        }
        assertThat(r.records()).isEqualTo(got.size());
        assertThat(r.gzipped()).isTrue();
        assertThat(r.malformed()).isEqualTo(1);
        ReadProblem p = r.problems().get(0);
        assertThat(p.source()).isEqualTo(file.toString());
        assertThat(p.message()).contains("truncated or corrupt gzip data");
        assertThat(p.byteOffset()).isPositive();
    }

    @Test
    void corruptGzipIsReportedNotThrown() throws IOException {
        byte[] data = gzip(s3File(0, 50));
        for (int i = 30; i < 60; i++) {
            data[i] ^= 0x5a;
        }
        ReadResult r = reader.read(new java.io.ByteArrayInputStream(data), "corrupt.gz", rec -> { });

        assertThat(r.malformed()).isEqualTo(1);
        assertThat(r.problems().get(0).message()).contains("gzip");
    }

    @Test
    void objectsThatAreNoRecordsAndTopLevelScalarsAreReported() {
        ReadResult r = read("{\"hello\":\"world\"}\n42\n" + record(1) + "\n{\"Records\":{}}\n");

        assertThat(records).hasSize(1);
        assertThat(r.malformed()).isEqualTo(3);
        assertThat(r.problems()).extracting(ReadProblem::line).containsExactly(1L, 2L, 4L);
        assertThat(r.problems().get(2).message()).isEqualTo("Records is an object, expected an array of records");
    }

    @Test
    void brokenInnerDocumentsAreMalformedRecords() {
        String badString = "{\"EventId\":\"a\",\"CloudTrailEvent\":\"{not json\"}";
        String badDetail = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\",\"detail\":[1]}";
        ReadResult r = read(badString + "\n" + badDetail + "\n" + record(9));

        assertThat(records).extracting(CloudTrailRecord::eventId).containsExactly("event-9");
        assertThat(r.malformed()).isEqualTo(2);
        assertThat(r.problems().get(0).message()).startsWith("CloudTrailEvent is not valid JSON");
        assertThat(r.problems().get(1).message()).isEqualTo("detail is an array, expected the record object");
    }

    @Test
    void emptyInputAndAMissingFileNeverThrow(@TempDir Path dir) {
        assertThat(read("").records()).isZero();
        assertThat(read("   \n").malformed()).isZero();
        ReadResult missing = reader.read(dir.resolve("nope.json"), rec -> { });
        assertThat(missing.malformed()).isEqualTo(1);
        assertThat(missing.problems().get(0).message()).startsWith("cannot open");
    }

    @Test
    void problemsBeyondTheLimitAreCountedNotKept() {
        CloudTrailReader limited = CloudTrailReader.builder().maxProblems(2).build();
        ReadResult r = limited.read("1\n2\n3\n4\n5\n", "numbers", rec -> { });

        assertThat(r.malformed()).isEqualTo(5);
        assertThat(r.problems()).hasSize(2);
    }

    /**
     * Constant memory: records reach the consumer while the input is still being produced, and the heap a 200 MB file
     * leaves in use stays small. (A reader that built a tree would see everything before the first record.)
     */
    @Test
    void streamsInConstantMemory() {
        long target = 200L << 20;
        Generated in = new Generated(target);
        long[] producedAtFirst = {-1};
        long[] heapMidway = {-1};
        long[] seen = {0};
        ReadResult r = reader.read(in, "generated.json", rec -> {
            if (seen[0] == 0) {
                producedAtFirst[0] = in.produced;
            }
            seen[0]++;
            if (seen[0] == in.recordsPlanned / 2) {
                System.gc();
                heapMidway[0] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }
        });

        assertThat(r.malformed()).isZero();
        assertThat(r.records()).isEqualTo(in.recordsPlanned).isEqualTo(seen[0]);
        assertThat(r.bytes()).isGreaterThanOrEqualTo(target);
        assertThat(producedAtFirst[0]).as("bytes produced before the first record arrived").isLessThan(1L << 20);
        assertThat(heapMidway[0]).as("heap in use halfway through 200 MB").isLessThan(64L << 20);
    }

    /** An S3 log file body generated on the fly. */
    private static final class Generated extends InputStream {
        final long recordsPlanned;
        long produced;
        private long next;
        private byte[] chunk = "{\"Records\":[".getBytes(StandardCharsets.UTF_8);
        private int pos;
        private boolean done;

        Generated(long targetBytes) {
            recordsPlanned = targetBytes / record(0).length() + 1;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == chunk.length) {
                if (done) {
                    return -1;
                }
                if (next == recordsPlanned) {
                    chunk = "]}".getBytes(StandardCharsets.UTF_8);
                    done = true;
                } else {
                    chunk = ((next == 0 ? "" : ",") + record((int) next)).getBytes(StandardCharsets.UTF_8);
                    next++;
                }
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            produced += n;
            return n;
        }
    }
}
