package io.canarykit.benchmarks.scan;

import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CanaryKeyFile;
import io.canarykit.detect.CloudTrailScan;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process under test: what {@code canary scan --canaries FILE --json DIR} does (the same core classes in the same
 * order: the files listed and the reader created on a thread while the canaries file is read, the index of the file,
 * the parallel scan, the sightings written with Jackson's streaming generator), writing one JSON line per sighting to
 * stdout and, on stderr, one line {@code records=… sightings=… bytes=… peakHeapBytes=…} ({@code loadMillis} is the
 * canaries file, {@code scanMillis} the rest up to the last sighting). Run it with {@code -Xmx256m}.
 *
 * <p>Usage: {@code ScanMain CANARIES_FILE THREADS PATH...}
 */
public final class ScanMain {
    private ScanMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: ScanMain CANARIES_FILE THREADS PATH...");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        int threads = Integer.parseInt(args[1]);
        List<Path> roots = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            roots.add(Path.of(args[i]));
        }
        // as canary scan does: the files are listed and the reader created while the canaries file is read
        Listing listing = new Listing(roots);
        listing.start();
        CanaryKeyFile.Canaries canaries = CanaryKeyFile.read(Path.of(args[0]), threads);
        long t1 = System.nanoTime();
        CanaryIndex index = canaries.index();
        long t2 = System.nanoTime();
        List<Path> files = listing.files();
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        CloudTrailScan.Summary s = CloudTrailScan.of(index, listing.reader, threads).scan(files, (file, m) -> {
            try {
                out.write(CanaryFile.sightingJson(canaries.label(m.canary()), m));
                out.write('\n');
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        out.flush();
        long t3 = System.nanoTime();
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.err.println("files=" + s.files() + " records=" + s.records() + " sightings=" + s.sightings() + " malformed="
                + s.malformed() + " bytes=" + s.bytes() + " fileBytes=" + s.fileBytes() + " peakHeapBytes=" + peak
                + " maxHeapBytes=" + Runtime.getRuntime().maxMemory() + " canaries=" + index.size()
                + " loadMillis=" + (t1 - t0) / 1_000_000 + " indexMillis=" + (t2 - t1) / 1_000_000
                + " scanMillis=" + (t3 - t2) / 1_000_000);
        if (Files.exists(Path.of("/proc/self/status"))) {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM")) {
                    System.err.println(line.replaceAll("\\s+", " "));
                }
            }
        }
    }

    /** What {@code canary scan}'s listing thread does: list the files, create the reader. */
    private static final class Listing extends Thread {
        private final List<Path> roots;
        private List<Path> files;
        private Throwable failure;
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
                        // as canary scan does
                    }
                }
                reader = CloudTrailReader.create();
                files = found;
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        List<Path> files() {
            try {
                join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
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
}
