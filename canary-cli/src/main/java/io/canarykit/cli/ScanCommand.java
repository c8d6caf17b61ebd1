package io.canarykit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CanaryKeyFile;
import io.canarykit.detect.CloudTrailScan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 * "problems":[…]}} on stderr. Without it, the same as text. A progress bar is drawn on stderr when it is a terminal.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan CloudTrail files for uses of known canaries.")
final class ScanCommand implements Callable<Integer> {
    /** Jackson's streaming core only: the sightings and summary are written field by field. */
    private static final JsonFactory JSON = new JsonFactory();

    @Option(names = "--canaries", required = true, paramLabel = "FILE",
            description = "The canaries to look for: one JSON object per line with canaryId, accessKeyId, "
                    + "principalArn (or null), issuedAt, expiresAt (or null).")
    Path canaries;

    @Option(names = "--json", description = "Print sightings as JSON Lines on stdout and a JSON summary on stderr.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Files read in parallel (default: processors).")
    Integer threads;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files and directories (read recursively).")
    List<Path> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // the files are listed (and the reader's classes loaded) while the canaries file is read
        Listing listing = new Listing(paths);
        listing.start();
        CanaryKeyFile.Canaries known = CanaryKeyFile.read(canaries, Math.max(1, threads != null ? threads : Runtime.getRuntime().availableProcessors()));
        CanaryIndex index = known.index();
        List<Path> files = listing.files();
        long totalBytes = listing.totalBytes;
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new CliErrors.UsageException("--threads must be at least 1");
        }
        CloudTrailScan scan = CloudTrailScan.of(index, listing.reader, n);
        Progress progress = System.console() != null ? new Progress(err, files.size(), totalBytes) : null;
        CloudTrailScan.Summary summary = scan.scan(files, new CloudTrailScan.Listener() {
            @Override
            public void match(Path file, CloudTrailScan.Match m) {
                if (json) {
                    out.println(sightingJson(known.label(m.canary()), m.record()));
                } else {
                    out.println(sightingText(known.label(m.canary()), m.record(), file));
                }
            }

            @Override
            public void file(CloudTrailScan.FileResult result) {
                if (progress != null) {
                    progress.advance(result.size(), result.read().records(), result.matches());
                }
            }
        });
        out.flush();
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

    static String sightingJson(String canaryId, CloudTrailRecord r) {
        return json(g -> {
            g.writeStartObject();
            field(g, "canaryId", canaryId);
            field(g, "eventId", r.eventId());
            field(g, "eventTime", r.eventTime() == null ? null : r.eventTime().toString());
            field(g, "eventSource", r.eventSource());
            field(g, "eventName", r.eventName());
            field(g, "awsRegion", r.awsRegion());
            field(g, "sourceIPAddress", r.sourceIpAddress());
            field(g, "userAgent", r.userAgent());
            field(g, "errorCode", r.errorCode());
            field(g, "accessKeyId", r.accessKeyId());
            field(g, "principalArn", r.principalArn());
            g.writeEndObject();
        });
    }

    private static String sightingText(String canaryId, CloudTrailRecord r, Path file) {
        return r.eventTime() + "  canary " + canaryId + "  " + r.eventSource() + " " + r.eventName() + " in "
                + r.awsRegion() + " from " + r.sourceIpAddress() + " (" + r.userAgent() + ")"
                + (r.errorCode() == null ? "" : " -> " + r.errorCode()) + "  key " + r.accessKeyId() + "  as "
                + r.principalArn() + "  event " + r.eventId() + "  in " + file;
    }

    static String summaryJson(CloudTrailScan.Summary s) {
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("files", s.files());
            g.writeNumberField("records", s.records());
            g.writeNumberField("sightings", s.sightings());
            g.writeNumberField("malformed", s.malformed());
            g.writeArrayFieldStart("problems");
            for (ReadProblem p : s.problems()) {
                g.writeStartObject();
                field(g, "file", p.source());
                g.writeNumberField("line", p.line());
                g.writeNumberField("column", p.column());
                g.writeNumberField("offset", p.byteOffset());
                field(g, "message", p.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Writes one JSON value with Jackson's streaming generator (what the tree model would write, without it). */
    private interface JsonWriting {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(JsonWriting writing) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writing.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }

    /**
     * Lists the files to scan, and their total size, on a thread of its own, and creates the reader there (loading its
     * classes): work that does not need the canaries, done while they are read.
     */
    static final class Listing extends Thread {
        private final List<Path> roots;
        private List<Path> files;
        private Throwable failure;
        long totalBytes;
        CloudTrailReader reader;

        Listing(List<Path> roots) {
            super("canary-scan-listing");
            setDaemon(true);
            this.roots = roots;
        }

        @Override
        public void run() {
            try {
                List<Path> found = CloudTrailScan.files(roots);
                long bytes = 0;
                for (Path f : found) {
                    try {
                        bytes += Files.size(f);
                    } catch (IOException e) {
                        // reported by the reader when it cannot open it
                    }
                }
                reader = CloudTrailReader.create();
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
            return files;
        }
    }

    /** A one-line progress bar on a terminal. */
    private static final class Progress {
        private final PrintWriter err;
        private final int files;
        private final long bytes;
        private int doneFiles;
        private long doneBytes;
        private long records;
        private long sightings;
        private long lastDraw;

        Progress(PrintWriter err, int files, long bytes) {
            this.err = err;
            this.files = files;
            this.bytes = Math.max(bytes, 1);
        }

        void advance(long fileBytes, long fileRecords, long fileSightings) {
            doneFiles++;
            doneBytes += fileBytes;
            records += fileRecords;
            sightings += fileSightings;
            long now = System.nanoTime();
            if (now - lastDraw > 200_000_000L || doneFiles == files) {
                lastDraw = now;
                int width = 30;
                int filled = (int) Math.min(width, doneBytes * width / bytes);
                err.printf(Locale.ROOT, "\r[%s%s] %3d%%  %d/%d files  %d records  %d sightings ",
                        "#".repeat(filled), " ".repeat(width - filled), doneBytes * 100 / bytes, doneFiles, files,
                        records, sightings);
                err.flush();
            }
        }

        void clear() {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
    }
}
