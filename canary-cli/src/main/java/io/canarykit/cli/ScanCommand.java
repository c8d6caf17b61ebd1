package io.canarykit.cli;

import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CanaryKeyFile;
import io.canarykit.detect.CloudTrailScan;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code canary scan --canaries FILE [--json] PATH...}: scans CloudTrail data in any supported shape (S3 log files
 * gzipped or not, JSON arrays, JSON Lines, single records, LookupEvents output, EventBridge events) in files and
 * directories (recursively) for uses of the canaries listed in FILE.
 *
 * <p>FILE holds one canary per line: {@code {"canaryId":…,"accessKeyId":…,"principalArn":… or null,"issuedAt":…,
 * "expiresAt":… or null}}. A record is a use of a canary if it was signed with its access key id (or, failing that,
 * made by its principal) between {@code issuedAt} and {@code expiresAt}.
 *
 * <p>With {@code --json}: one sighting per line on stdout
 * {@code {"canaryId","eventId","eventTime","eventSource","eventName","awsRegion","sourceIPAddress","userAgent",
 * "errorCode","accessKeyId","principalArn"}} and a summary {@code {"files","records","sightings","malformed",
 * "problems":[…]}} on stderr. Without it, the same as text. Sightings stream out file by file, in path order, as the
 * files are read (memory does not grow with their number). On a terminal, a long scan draws a progress line on stderr
 * (files, records per second, sightings so far); none when stderr is piped or redirected.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan CloudTrail files for uses of known canaries.")
final class ScanCommand implements Callable<Integer> {
    @Option(names = "--canaries", required = true, paramLabel = "FILE",
            description = "The canaries to look for: one JSON object per line with canaryId, accessKeyId, "
                    + "principalArn (or null), issuedAt, expiresAt (or null).")
    Path canaries;

    @Option(names = "--json", description = "Print sightings as JSON Lines on stdout and a JSON summary on stderr.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Files read in parallel (default: processors).")
    @Nullable Integer threads;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files and directories (read recursively).")
    List<Path> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--max-compression-ratio", paramLabel = "N",
            description = "Stop reading a gzip file that inflates more than N times (a decompression bomb; default "
                    + CloudTrailReader.Builder.DEFAULT_MAX_COMPRESSION_RATIO + ").")
    @Nullable Integer maxCompressionRatio;

    @Option(names = "--max-decompressed-bytes", paramLabel = "BYTES",
            description = "Stop reading a gzip file beyond this many decompressed bytes (default 4 GiB).")
    @Nullable Long maxDecompressedBytes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new CliErrors.UsageException("--threads must be at least 1");
        }
        // the files are listed (and the reader's classes loaded) while the canaries file is read
        boolean terminal = Progress.onTerminal();
        Listing listing = new Listing(paths, readerBuilder(), terminal);
        listing.start();
        CanaryKeyFile.Canaries known = CanaryKeyFile.read(canaries, n);
        CanaryIndex index = known.index();
        List<Path> files = listing.files();
        CloudTrailScan scan = CloudTrailScan.of(index, listing.reader(), n);
        Progress progress = terminal ? new Progress(err, files.size(), listing.totalBytes, System::nanoTime) : null;
        // sightings are formatted and written on a thread of their own: writing (which can block on a busy disk)
        // and formatting never hold up the calling thread, the only one that hands the scan's matches over
        SightingWriter writer = new SightingWriter(out, json, known);
        writer.start();
        CloudTrailScan.Summary summary;
        try {
            summary = scan.scan(files, new CloudTrailScan.Listener() {
                @Override
                public void match(Path file, CloudTrailScan.Match m) {
                    writer.add(file, m);
                }

                @Override
                public void file(CloudTrailScan.FileResult result) {
                    writer.fileDone(); // the file's sightings go out together when it is done
                    if (progress != null) {
                        progress.advance(result.size(), result.read().records(), result.matches());
                    }
                }
            });
        } catch (RuntimeException | Error e) {
            try {
                writer.finish(); // what was handed over is still written
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        writer.finish();
        if (progress != null) {
            progress.clear();
        }
        if (json) {
            err.println(summaryJson(summary));
        } else {
            for (ReadProblem p : summary.problems()) {
                err.println("warning: " + p);
            }
            if (summary.malformed() > summary.problems().size()) {
                err.println("warning: " + (summary.malformed() - summary.problems().size()) + " more problem(s) not shown");
            }
            err.printf(Locale.ROOT, "scanned %d file(s), %d record(s): %d sighting(s), %d malformed%n",
                    summary.files(), summary.records(), summary.sightings(), summary.malformed());
        }
        err.flush();
        return 0;
    }

    private CloudTrailReader.Builder readerBuilder() {
        CloudTrailReader.Builder b = CloudTrailReader.builder();
        if (maxCompressionRatio != null) {
            if (maxCompressionRatio < 2) {
                throw new CliErrors.UsageException("--max-compression-ratio must be at least 2");
            }
            b.maxCompressionRatio(maxCompressionRatio);
        }
        if (maxDecompressedBytes != null) {
            if (maxDecompressedBytes < 1) {
                throw new CliErrors.UsageException("--max-decompressed-bytes must be positive");
            }
            b.maxDecompressedBytes(maxDecompressedBytes);
        }
        return b;
    }

    /** The {@code --json} line of a sighting (what {@link #sightingJson(StringBuilder, String, CloudTrailRecord)} appends). */
    static String sightingJson(String canaryId, CloudTrailRecord r) {
        StringBuilder sb = new StringBuilder(512);
        sightingJson(sb, canaryId, r);
        return sb.toString();
    }

    /** The fields of a {@code --json} sighting line, in order, each with its quote and colon (and comma). */
    private static final String[] SIGHTING_FIELDS = {"{\"canaryId\":", ",\"eventId\":", ",\"eventTime\":",
            ",\"eventSource\":", ",\"eventName\":", ",\"awsRegion\":", ",\"sourceIPAddress\":", ",\"userAgent\":",
            ",\"errorCode\":", ",\"accessKeyId\":", ",\"principalArn\":"};

    /**
     * Appends the {@code --json} line of a sighting: what Jackson's generator writes (the same escapes: {@code \"},
     * {@code \\}, {@code \b \t \n \f \r}, a six-character escape (backslash, u, 00 and two upper-case hex digits) for other control characters, nothing else escaped),
     * written directly, as this runs once per sighting. Kept small (one loop over the fields, strings without escapes
     * appended whole) so that the JIT compiles it quickly.
     */
    static void sightingJson(StringBuilder sb, String canaryId, CloudTrailRecord r) {
        for (int f = 0; f < SIGHTING_FIELDS.length; f++) {
            sb.append(SIGHTING_FIELDS[f]);
            if (f == 2) {
                java.time.Instant t = r.eventTime();
                if (t == null) {
                    sb.append("null");
                } else {
                    sb.append('"');
                    instant(sb, t);
                    sb.append('"');
                }
                continue;
            }
            value(sb, switch (f) {
                case 0 -> canaryId;
                case 1 -> r.eventId();
                case 3 -> r.eventSource();
                case 4 -> r.eventName();
                case 5 -> r.awsRegion();
                case 6 -> r.sourceIpAddress();
                case 7 -> r.userAgent();
                case 8 -> r.errorCode();
                case 9 -> r.accessKeyId();
                default -> r.principalArn();
            });
        }
        sb.append('}');
    }

    /**
     * Appends {@code t.toString()}: written directly for whole seconds from 1970 to 9999 (what CloudTrail records
     * hold, {@code yyyy-MM-ddTHH:mm:ssZ}), as this runs once per sighting; by {@link java.time.Instant#toString}
     * otherwise.
     */
    static void instant(StringBuilder sb, java.time.Instant t) {
        long sec = t.getEpochSecond();
        if (t.getNano() != 0 || sec < 0 || sec > 253_402_300_799L) {
            sb.append(t);
            return;
        }
        int secOfDay = (int) (sec % 86_400);
        // civil date from days since 1970-01-01 (Howard Hinnant's algorithm; non-negative days only)
        long z = sec / 86_400 + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        char[] c = {(char) ('0' + year / 1000), (char) ('0' + year / 100 % 10), (char) ('0' + year / 10 % 10),
                (char) ('0' + year % 10), '-', (char) ('0' + month / 10), (char) ('0' + month % 10), '-',
                (char) ('0' + day / 10), (char) ('0' + day % 10), 'T', (char) ('0' + secOfDay / 36_000),
                (char) ('0' + secOfDay / 3600 % 10), ':', (char) ('0' + secOfDay % 3600 / 600),
                (char) ('0' + secOfDay % 3600 / 60 % 10), ':', (char) ('0' + secOfDay % 60 / 10),
                (char) ('0' + secOfDay % 10), 'Z'};
        sb.append(c);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void field(StringBuilder sb, String name, @Nullable String value) {
        sb.append('"').append(name).append("\":");
        value(sb, value);
    }

    /** Appends {@code value} as a JSON string (or {@code null}); a string without escapes in one piece. */
    private static void value(StringBuilder sb, @Nullable String value) {
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            i++;
        }
        if (i == n) {
            sb.append(value);
        } else {
            escaped(sb, value, i);
        }
        sb.append('"');
    }

    /** Appends {@code value}, escaped from {@code from} on (its characters before {@code from} need no escape). */
    private static void escaped(StringBuilder sb, String value, int from) {
        sb.append(value, 0, from);
        int n = value.length();
        for (int i = from; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\b': sb.append("\\b"); break;
                case '\t': sb.append("\\t"); break;
                case '\n': sb.append("\\n"); break;
                case '\f': sb.append("\\f"); break;
                case '\r': sb.append("\\r"); break;
                default: sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]); break;
            }
        }
    }

    private static String sightingText(String canaryId, CloudTrailRecord r, Path file) {
        return r.eventTime() + "  canary " + canaryId + "  " + r.eventSource() + " " + r.eventName() + " in "
                + r.awsRegion() + " from " + r.sourceIpAddress() + " (" + r.userAgent() + ")"
                + (r.errorCode() == null ? "" : " -> " + r.errorCode()) + "  key " + r.accessKeyId() + "  as "
                + r.principalArn() + "  event " + r.eventId() + "  in " + file;
    }

    /** The {@code --json} summary line, written as Jackson's generator would write it. */
    static String summaryJson(CloudTrailScan.Summary s) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"files\":").append(s.files()).append(",\"records\":").append(s.records())
                .append(",\"sightings\":").append(s.sightings()).append(",\"malformed\":").append(s.malformed())
                .append(",\"problems\":[");
        boolean first = true;
        for (ReadProblem p : s.problems()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('{');
            field(sb, "file", p.source());
            sb.append(",\"line\":").append(p.line()).append(",\"column\":").append(p.column())
                    .append(",\"offset\":").append(p.byteOffset()).append(',');
            field(sb, "message", p.message());
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    /**
     * Formats and writes the sightings on a thread of its own, in the order they are added: the calling thread only
     * collects them into batches of {@link #BATCH} and hands each over through a queue of {@link #QUEUED} batches, so
     * that at most {@code (QUEUED + 2) * BATCH} sightings wait at once (memory stays bounded). The writer is flushed
     * after each file that had sightings ({@link #fileDone}) and at the end. What writing throws is rethrown by
     * {@link #finish}. Not thread-safe: {@link #add}, {@link #fileDone} and {@link #finish} are called on one thread.
     */
    static final class SightingWriter extends Thread {
        static final int BATCH = 256;
        static final int QUEUED = 8;
        private static final Batch END = new Batch();

        /** Sightings handed over together; {@code flush} once they end a file. */
        private static final class Batch {
            final Path[] files = new Path[BATCH];
            final CloudTrailScan.Match[] matches = new CloudTrailScan.Match[BATCH];
            int size;
            boolean flush;
        }

        private final PrintWriter out;
        private final boolean json;
        private final CanaryKeyFile.Canaries known;
        private final java.util.concurrent.BlockingQueue<Batch> queue =
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUED);
        private Batch current = new Batch();
        private volatile @Nullable Throwable failure;

        SightingWriter(PrintWriter out, boolean json, CanaryKeyFile.Canaries known) {
            super("canary-scan-output");
            setDaemon(true);
            this.out = out;
            this.json = json;
            this.known = known;
        }

        /** One sighting in {@code file}. */
        void add(Path file, CloudTrailScan.Match m) {
            Batch b = current;
            b.files[b.size] = file;
            b.matches[b.size] = m;
            if (++b.size == BATCH) {
                handOver(false);
            }
        }

        /** A file has been read: its sightings, if any, are written and flushed. */
        void fileDone() {
            if (current.size > 0) {
                handOver(true);
            }
        }

        /** Writes what is left, flushes, waits for the thread; rethrows what writing threw. */
        void finish() {
            try {
                if (current.size > 0) {
                    handOver(true);
                }
                put(END);
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the sightings", e);
            }
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
        }

        private void handOver(boolean flush) {
            Batch b = current;
            b.flush = flush;
            current = new Batch();
            try {
                put(b);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the sightings", e);
            }
        }

        private void put(Batch b) throws InterruptedException {
            if (!isAlive() && failure != null) {
                return; // it failed and ended: finish() rethrows why
            }
            queue.put(b);
        }

        /** Lines of a batch kept together before they are written: one write per this many characters, not per line. */
        static final int TEXT = 32 << 10;

        @Override
        public void run() {
            StringBuilder text = new StringBuilder(TEXT + 1024);
            String eol = System.lineSeparator();
            while (true) {
                Batch b;
                try {
                    b = queue.take();
                } catch (InterruptedException e) {
                    failure = e;
                    return;
                }
                if (b == END) {
                    break;
                }
                if (failure != null) {
                    continue; // keep taking, so that the scan never waits on a full queue
                }
                try {
                    for (int i = 0; i < b.size; i++) {
                        CloudTrailScan.Match m = b.matches[i];
                        if (json) {
                            sightingJson(text, known.label(m.canary()), m.record());
                        } else {
                            text.append(sightingText(known.label(m.canary()), m.record(), b.files[i]));
                        }
                        text.append(eol);
                        if (text.length() >= TEXT) {
                            text = write(text);
                        }
                    }
                    text = write(text);
                    if (b.flush) {
                        out.flush();
                    }
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }
            if (failure == null) {
                try {
                    out.flush();
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }
        }

        /** Writes {@code text} and returns it emptied (or a new one of the usual size, after a very long line). */
        private StringBuilder write(StringBuilder text) {
            if (text.length() > 0) {
                out.append(text);
            }
            if (text.capacity() > 4 * TEXT) {
                return new StringBuilder(TEXT + 1024);
            }
            text.setLength(0);
            return text;
        }
    }

    /**
     * Lists the files to scan (and, for a progress line, their total size) on a thread of its own, and creates the
     * reader there (loading its classes): work that does not need the canaries, done while they are read.
     */
    static final class Listing extends Thread {
        private final List<Path> roots;
        private final CloudTrailReader.Builder readerBuilder;
        private final boolean sizes;
        private @Nullable List<Path> files;
        private @Nullable Throwable failure;
        long totalBytes;
        private @Nullable CloudTrailReader reader;

        Listing(List<Path> roots, CloudTrailReader.Builder readerBuilder, boolean sizes) {
            super("canary-scan-listing");
            setDaemon(true);
            this.roots = roots;
            this.readerBuilder = readerBuilder;
            this.sizes = sizes;
        }

        @Override
        public void run() {
            try {
                List<Path> found = CloudTrailScan.files(roots);
                long bytes = 0;
                for (Path f : sizes ? found : List.<Path>of()) { // the total only for a progress line
                    try {
                        bytes += Files.size(f);
                    } catch (IOException e) {
                        // reported by the reader when it cannot open it
                    }
                }
                reader = readerBuilder.build();
                totalBytes = bytes;
                files = found;
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        /** The files (as {@link CloudTrailScan#files} lists them), once listed; what listing them threw, rethrown. */
        List<Path> files() {
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing the files to scan", e);
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return Objects.requireNonNull(files, "the listing thread was not started");
        }

        /** The reader, once {@link #files()} returned. */
        CloudTrailReader reader() {
            return Objects.requireNonNull(reader, "the reader is there once files() returned");
        }
    }

    /**
     * The progress line of a long scan on a terminal: files, records per second and sightings so far, on stderr,
     * redrawn in place at most five times a second once the scan has run for a second; nothing when stderr is not a
     * terminal (piped or redirected), so that logs stay clean.
     */
    static final class Progress {
        private static final long FIRST_DRAW = 1_000_000_000L;
        private static final long REDRAW = 200_000_000L;
        private final PrintWriter err;
        private final int files;
        private final long bytes;
        private final java.util.function.LongSupplier clock;
        private final long start;
        private int doneFiles;
        private long doneBytes;
        private long records;
        private long sightings;
        private long lastDraw;
        private boolean drawn;

        Progress(PrintWriter err, int files, long bytes, java.util.function.LongSupplier nanoClock) {
            this.err = err;
            this.files = files;
            this.bytes = Math.max(bytes, 1);
            this.clock = nanoClock;
            this.start = nanoClock.getAsLong();
        }

        /**
         * True if stderr is a terminal: on Linux, file descriptor 2 is a terminal device; elsewhere, the JVM has a
         * console (stdin and stdout are terminals).
         */
        static boolean onTerminal() {
            Path fd = Path.of("/proc/self/fd/2");
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return System.console() != null;
            }
        }

        void advance(long fileBytes, long fileRecords, long fileSightings) {
            doneFiles++;
            doneBytes += fileBytes;
            records += fileRecords;
            sightings += fileSightings;
            long now = clock.getAsLong();
            if (now - start >= FIRST_DRAW && (now - lastDraw >= REDRAW || doneFiles == files)) {
                lastDraw = now;
                drawn = true;
                int width = 24;
                int filled = (int) Math.min(width, doneBytes * width / bytes);
                double seconds = Math.max((now - start) / 1e9, 1e-3);
                err.printf(Locale.ROOT, "\r[%s%s] %3d%%  %d/%d files  %,d records/s  %,d sightings ",
                        "#".repeat(filled), " ".repeat(width - filled), Math.min(100, doneBytes * 100 / bytes), doneFiles,
                        files, (long) (records / seconds), sightings);
                err.flush();
            }
        }

        /** Removes the line, if it was drawn. */
        void clear() {
            if (drawn) {
                err.print("\r" + " ".repeat(100) + "\r");
                err.flush();
            }
        }
    }
}
