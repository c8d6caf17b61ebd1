package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.cloudtrail.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.canarykit.detect.Canaries.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine over many files: matches streamed in path order, buffering bounded, bombs cut off. */
class CloudTrailScanTest {
    private static final String KEY = "AKIAQRSTUVWXYZ234567";
    private final CanaryRecord canary = Canaries.iamUser("ci-deploy", KEY, T0);
    private final CanaryIndex index = CanaryIndex.ofRecords(List.of(canary), Duration.ZERO);

    /** A log file of {@code records} records, every {@code every}th a use of the canary; ids file-record. */
    static byte[] logFile(String file, int records, int every) throws IOException {
        StringBuilder sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(CloudTrailScanStreamTest.record(file + "-" + i, i % every == 0 ? KEY : "AKIAOTHER00000000000",
                    "2026-11-28T10:05:00Z"));
        }
        return CloudTrailScanStreamTest.gzip(sb.append("]}").toString());
    }

    /** A decompression bomb: {@code members} gzip members of 1 MiB of zeros each (about 1 KiB each compressed). */
    static Path bomb(Path file, int members) throws IOException {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(member)) {
            g.write(new byte[1 << 20]);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < members; i++) {
                member.writeTo(out);
            }
        }
        return file;
    }

    /** What a listener saw, in order. */
    private static final class Seen implements CloudTrailScan.Listener {
        final List<String> events = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public void match(Path file, CloudTrailScan.Match m) {
            events.add(m.record().eventId());
            threads.add(Thread.currentThread());
        }

        @Override
        public void file(CloudTrailScan.FileResult r) {
            events.add("done " + r.file().getFileName() + " " + r.matches());
            threads.add(Thread.currentThread());
        }
    }

    @Test
    void matchesReachTheListenerInPathOrderOnTheCallingThreadWithBoundedBuffering(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int[] sizes = {3000, 10, 2500, 1, 4000, 700, 0, 3500, 20, 2000};
        for (int f = 0; f < sizes.length; f++) {
            String name = String.format("f%02d", f);
            Path p = dir.resolve(name + ".json.gz");
            Files.write(p, logFile(name, sizes[f], 1));
            files.add(p);
            for (int i = 0; i < sizes[f]; i++) {
                expected.add(name + "-" + i);
            }
            expected.add("done " + p.getFileName() + " " + sizes[f]);
        }
        for (int threads : new int[] {1, 2, 3, 4}) {
            Seen seen = new Seen();
            CloudTrailScan engine = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), threads);
            OrderedScan<Path> scan = new OrderedScan<>(files, (i, f, matches) -> engine.scan(f, matches),
                    new OrderedScan.Delivery<Path>() {
                        @Override
                        public void match(Path f, CloudTrailScan.Match m) {
                            seen.match(f, m);
                        }

                        @Override
                        public void done(int i, Path f, ReadResult r, long matches) {
                            seen.file(new CloudTrailScan.FileResult(f, 0, r, matches));
                        }
                    }, threads);

            CloudTrailScan.Summary s = scan.run();

            assertThat(seen.events).as("%d threads", threads).isEqualTo(expected);
            assertThat(seen.threads).as("the listener runs on the calling thread").containsOnly(Thread.currentThread());
            assertThat(s.files()).isEqualTo(files.size());
            assertThat(s.sightings()).isEqualTo(expected.size() - files.size());
            assertThat(scan.peakBuffered()).as("matches kept waiting at once, %d threads", threads)
                    .isLessThanOrEqualTo(OrderedScan.MAX_BUFFERED + OrderedScan.MAX_AT_HEAD + threads);
        }
    }

    @Test
    void whatTheListenerThrowsEndsTheScanAndPropagates(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
            Path p = dir.resolve("f" + f + ".json.gz");
            Files.write(p, logFile("f" + f, 3000, 1));
            files.add(p);
        }
        int before = Thread.activeCount();
        CloudTrailScan engine = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), 3);
        assertThatThrownBy(() -> engine.scan(files, (file, m) -> {
            if (m.record().eventId().equals("f2-10")) {
                throw new IllegalStateException("disk full");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(Thread.activeCount()).as("the scan's threads have ended").isLessThanOrEqualTo(before);
    }

    /**
     * Issue 15, finding 8, written as the failure: a gzip bomb (2 GiB of zeros, generated here as 2,048 gzip members of
     * 1 MiB of zeros each: 2 MB on disk) among files with sightings. It is cut off after reading a few megabytes, with a
     * problem that says why, and the files after it still produce their sightings.
     */
    @Test
    void aDecompressionBombIsCutOffAndTheFilesAfterItStillProduceTheirSightings(@TempDir Path dir) throws IOException {
        Path before = dir.resolve("a-before.json.gz");
        Files.write(before, logFile("before", 50, 5));
        Path bomb = bomb(dir.resolve("b-bomb.json.gz"), 2048);
        Path after = dir.resolve("c-after.json.gz");
        Files.write(after, logFile("after", 50, 5));
        List<String> matches = new ArrayList<>();
        List<ReadResult> results = new ArrayList<>();

        CloudTrailScan.Summary s = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), 2)
                .scan(List.of(before, bomb, after), new CloudTrailScan.Listener() {
                    @Override
                    public void match(Path file, CloudTrailScan.Match m) {
                        matches.add(m.record().eventId());
                    }

                    @Override
                    public void file(CloudTrailScan.FileResult r) {
                        results.add(r.read());
                    }
                });

        assertThat(Files.size(bomb)).isLessThan(4L << 20);
        assertThat(matches).containsExactly("before-0", "before-5", "before-10", "before-15", "before-20", "before-25",
                "before-30", "before-35", "before-40", "before-45", "after-0", "after-5", "after-10", "after-15",
                "after-20", "after-25", "after-30", "after-35", "after-40", "after-45");
        ReadResult b = results.get(1);
        assertThat(b.source()).isEqualTo(bomb.toString());
        assertThat(b.bytes()).as("bytes inflated before the cut").isLessThan(64L << 20);
        assertThat(b.problems()).anySatisfy(p -> assertThat(p.message())
                .contains("inflates more than 100 times").contains("decompression bomb").contains("maxCompressionRatio"));
        assertThat(s.files()).isEqualTo(3);
    }

    @Test
    void eachFilesSizeIsItsSizeOnDiskWhetherReadToItsEndCutOffOrUnreadable(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("a.json.gz");
        Files.write(gz, logFile("a", 30, 3));
        Path plain = dir.resolve("b.json");
        Files.writeString(plain, "{\"Records\":[" + CloudTrailScanStreamTest.record("b-0", KEY, "2026-11-28T10:05:00Z")
                + "]}\n\n   \n");
        Path bomb = bomb(dir.resolve("c-bomb.json.gz"), 512); // cut off long before its end: its size is still the file's
        Path empty = Files.createFile(dir.resolve("d-empty.json"));
        Path missing = dir.resolve("e-missing.json.gz"); // listed, then deleted before the scan reached it
        List<CloudTrailScan.FileResult> results = new ArrayList<>();

        CloudTrailScan.Summary s = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), 2)
                .scan(List.of(gz, plain, bomb, empty, missing), new CloudTrailScan.Listener() {
                    @Override
                    public void match(Path file, CloudTrailScan.Match m) {
                    }

                    @Override
                    public void file(CloudTrailScan.FileResult r) {
                        results.add(r);
                    }
                });

        assertThat(results).extracting(CloudTrailScan.FileResult::file).containsExactly(gz, plain, bomb, empty, missing);
        for (CloudTrailScan.FileResult r : results.subList(0, 4)) {
            assertThat(r.size()).as("%s", r.file().getFileName()).isEqualTo(Files.size(r.file()));
        }
        assertThat(results.get(4).size()).isZero();
        assertThat(results.get(4).read().problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("cannot open"));
        assertThat(results.get(0).matches()).isEqualTo(10);
        assertThat(results.get(1).matches()).isEqualTo(1);
        assertThat(s.fileBytes()).isEqualTo(Files.size(gz) + Files.size(plain) + Files.size(bomb));
    }

    /** An S3 object, say: named, opened when its turn comes; this one fails after {@code failAfter} bytes if set. */
    record Object(String name, byte[] body, int failAfter) implements CloudTrailScan.Source {
        @Override
        public java.io.InputStream open() {
            java.io.InputStream in = new java.io.ByteArrayInputStream(body);
            if (failAfter < 0) {
                return in;
            }
            return new java.io.FilterInputStream(in) {
                private int read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= failAfter) {
                        throw new IOException("Connection reset");
                    }
                    int n = super.read(b, off, Math.min(len, failAfter - read));
                    read += Math.max(n, 0);
                    return n;
                }
            };
        }
    }

    @Test
    void streamsAreScannedInOrderAndAFailingOneEndsTheScanAfterTheOnesBeforeIt() throws IOException {
        List<Object> objects = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] body = logFile("o" + i, 2000, 3);
            objects.add(new Object("s3://trail/o" + i, body, i == 5 ? body.length / 2 : -1));
        }
        for (int threads : new int[] {1, 3}) {
            List<String> seen = new ArrayList<>();
            CloudTrailScan engine = CloudTrailScan.of(index, io.canarykit.cloudtrail.CloudTrailReader.create(), threads);

            assertThatThrownBy(() -> engine.scanSources(objects, new CloudTrailScan.SourceListener<Object>() {
                @Override
                public void match(Object o, CloudTrailScan.Match m) {
                    seen.add(m.record().eventId());
                }

                @Override
                public void done(Object o, ReadResult r, long matches) {
                    seen.add("done " + o.name() + " " + matches);
                }
            })).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("s3://trail/o5")
                    .hasMessageContaining("Connection reset");

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                for (int r = 0; r < 2000; r += 3) {
                    expected.add("o" + i + "-" + r);
                }
                expected.add("done s3://trail/o" + i + " " + 667);
            }
            // what was read of o5 before its stream failed may have been handed over too: nothing after it
            assertThat(seen.subList(0, expected.size())).as("%d threads", threads).isEqualTo(expected);
            assertThat(seen.subList(expected.size(), seen.size())).allSatisfy(e -> assertThat(e).startsWith("o5-"));
        }
    }
}
