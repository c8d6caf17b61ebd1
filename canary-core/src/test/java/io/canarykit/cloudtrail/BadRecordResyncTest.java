package io.canarykit.cloudtrail;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 8, written as the failure it was: in a one-line S3 log file {@code {"Records":[good-a, BAD,
 * good-b]}} (how S3 log files arrive), a bad record lost {@code good-b}, because reading resumed only at the next line.
 * Now reading resumes at the next record of the same {@code Records} array, whatever is wrong with the bad one
 * (invalid UTF-8, nesting deeper than 1,000, a 2,000-digit number, a 200 MB record), plain or gzipped, read by the
 * general reader, by the fast path from a file, and by the fast path from a stream (an S3 object's body).
 */
class BadRecordResyncTest {
    private static final String KEY = "AKIAWATCHED000000001";
    private static final RecordFilter FILTER = RecordFilter.of(Set.of(KEY), Set.of());
    private final CloudTrailReader reader = CloudTrailReader.create();

    static String good(String id) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"" + KEY + "\"},"
                + "\"eventTime\":\"2025-03-14T09:26:53Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                + "\"awsRegion\":\"us-east-1\",\"eventID\":\"" + id + "\"}";
    }

    /** The bad records, each signed with the watched key (so that the fast path looks at it closely). */
    static Stream<Arguments> badRecords() {
        byte[] utf8 = ("{\"eventID\":\"bad\",\"eventName\":\"X\",\"userAgent\":\"caf\u00e9 \u0000\",\"userIdentity\":"
                + "{\"accessKeyId\":\"" + KEY + "\"}}").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(utf8, (byte) 0);
        utf8[at - 2] = (byte) 0xC3; // é's lead byte followed by a byte that is no continuation byte
        utf8[at - 1] = (byte) 0x28;
        utf8[at] = 'x';
        return Stream.of(
                Arguments.of("invalid UTF-8", utf8),
                Arguments.of("nesting deeper than 1,000", ("{\"eventID\":\"bad\",\"eventName\":\"X\",\"userIdentity\":"
                        + "{\"accessKeyId\":\"" + KEY + "\"},\"requestParameters\":" + "[".repeat(1200) + "]".repeat(1200)
                        + "}").getBytes(StandardCharsets.UTF_8)),
                Arguments.of("a 2,000-digit number", ("{\"eventID\":\"bad\",\"eventName\":\"X\",\"userIdentity\":"
                        + "{\"accessKeyId\":\"" + KEY + "\"},\"requestParameters\":{\"n\":1" + "2".repeat(1999) + "}}")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }

    private static byte[] oneLine(byte[] bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{\"Records\":[" + good("good-a") + ",").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes(("," + good("good-b") + "]}").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    /** What one way of reading gave. */
    record Read(List<String> ids, ReadResult result) {
    }

    private void assertGoodBIsFound(String what, Read r) {
        assertThat(r.ids()).as(what).containsExactly("good-a", "good-b");
        assertThat(r.result().records()).as(what).isEqualTo(2);
        assertThat(r.result().malformed()).as(what).isEqualTo(1);
        assertThat(r.result().problems()).as(what).singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void theRecordAfterABadOneOnTheSameLineIsFound(String kind, byte[] bad, @TempDir Path dir) throws IOException {
        byte[] plain = oneLine(bad);
        for (boolean gz : new boolean[] {false, true}) {
            byte[] bytes = gz ? gzip(plain) : plain;
            Path file = dir.resolve(gz ? "one-line.json.gz" : "one-line.json");
            Files.write(file, bytes);
            String v = kind + (gz ? ", gzip" : ", plain");

            List<String> general = new ArrayList<>();
            ReadResult g = reader.read(file, rec -> general.add(rec.eventId()));
            assertGoodBIsFound(v + ", general reader", new Read(general, g));

            List<String> fast = new ArrayList<>();
            ReadResult f = reader.read(file, FILTER, rec -> fast.add(rec.eventId()));
            assertGoodBIsFound(v + ", fast path from a file", new Read(fast, f));

            List<String> stream = new ArrayList<>();
            ReadResult s = reader.read(new java.io.ByteArrayInputStream(bytes), "s3://bucket/key", FILTER,
                    rec -> stream.add(rec.eventId()));
            assertGoodBIsFound(v + ", fast path from a stream", new Read(stream, s));

            assertThat(f.problems().get(0).message()).as(v).isEqualTo(g.problems().get(0).message());
            assertThat(f.problems().get(0).byteOffset()).as(v).isEqualTo(g.problems().get(0).byteOffset());
            assertThat(g.problems().get(0).byteOffset()).as(v + ": the problem is inside the bad record")
                    .isGreaterThan(good("good-a").length() + 12);
        }
    }

    /**
     * A 200 MB record (its user agent, which the reader takes, is longer than any string it reads), produced as it is
     * read: the record after it is found, plain and gzipped, and memory stays small (the record is never held whole).
     */
    @ParameterizedTest(name = "gzip: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void theRecordAfterA200MegabyteRecordIsFound(boolean gz) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(1);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        byte[] head = ("{\"Records\":[" + good("good-a") + ",{\"eventID\":\"huge\",\"eventName\":\"X\",\"userIdentity\":"
                + "{\"accessKeyId\":\"" + KEY + "\"},\"userAgent\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\"}," + good("good-b") + "]}").getBytes(StandardCharsets.UTF_8);
        for (int way = gz ? 1 : 0; way < 2; way++) { // gzipped: the way an S3 object's body is read
            InputStream in = gz ? new Repeated(gzip(head), gzip(chunk), 200, gzip(tail))
                    : new Repeated(head, chunk, 200, tail);
            List<String> ids = new ArrayList<>();
            ReadResult r = way == 0 ? reader.read(in, "huge", rec -> ids.add(rec.eventId()))
                    : reader.read(in, "huge", FILTER, rec -> ids.add(rec.eventId()));
            String v = (gz ? "gzip" : "plain") + (way == 0 ? ", general reader" : ", fast path");
            assertGoodBIsFound(v, new Read(ids, r));
            assertThat(r.problems().get(0).message()).as(v).contains("String value length");
            assertThat(r.bytes()).as(v).isGreaterThan(200L << 20);
        }
    }

    /** {@code head}, then {@code middle} {@code times} times, then {@code tail}: produced as it is read. */
    static final class Repeated extends InputStream {
        private final byte[][] parts;
        private final int times;
        private int part;
        private int repeat;
        private int pos;

        Repeated(byte[] head, byte[] middle, int times, byte[] tail) {
            this.parts = new byte[][] {head, middle, tail};
            this.times = times;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (part < 3 && pos == parts[part].length) {
                pos = 0;
                if (part == 1 && ++repeat < times) {
                    continue;
                }
                part++;
            }
            if (part == 3) {
                return -1;
            }
            int n = Math.min(len, parts[part].length - pos);
            System.arraycopy(parts[part], pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
