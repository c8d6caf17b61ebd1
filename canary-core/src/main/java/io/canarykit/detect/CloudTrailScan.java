package io.canarykit.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.cloudtrail.ReadResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Scans CloudTrail files (any shape {@link CloudTrailReader} reads, gzipped or not) for uses of the canaries in an
 * index: what {@code canary scan} and offline investigations run. Files are read in parallel, each in constant memory;
 * results reach the listener file by file, in path order, on the calling thread.
 *
 * <p>Immutable and thread-safe; each {@link #scan} uses its own threads and stops them before it returns.
 */
public final class CloudTrailScan {
    private final CanaryIndex index;
    private final CloudTrailReader reader;
    private final int threads;

    /** One record matched to a canary. */
    public record Match(CanaryKey canary, CloudTrailRecord record) {
        public Match {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(record, "record");
        }
    }

    /** What scanning one file gave. */
    public record FileResult(Path file, long size, ReadResult read, List<Match> matches) {
        public FileResult {
            matches = List.copyOf(matches);
        }
    }

    /** Receives each file's result, in path order. */
    @FunctionalInterface
    public interface Listener {
        /** Called once per file, on the thread that called {@link #scan}. */
        void file(FileResult result);
    }

    /**
     * Totals of a scan.
     *
     * @param files      files read
     * @param records    records read
     * @param sightings  records that matched a canary
     * @param malformed  pieces of input that could not be used
     * @param bytes      decompressed bytes read
     * @param fileBytes  bytes on disk
     * @param problems   the first problems (at most 100 over the whole scan)
     */
    public record Summary(long files, long records, long sightings, long malformed, long bytes, long fileBytes,
                          List<ReadProblem> problems) {
        public Summary {
            problems = List.copyOf(problems);
        }
    }

    private CloudTrailScan(CanaryIndex index, CloudTrailReader reader, int threads) {
        this.index = Objects.requireNonNull(index, "index");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
    }

    /** A scan for the canaries in {@code index} with as many threads as processors. */
    public static CloudTrailScan of(CanaryIndex index) {
        return new CloudTrailScan(index, CloudTrailReader.create(), Runtime.getRuntime().availableProcessors());
    }

    /** A scan with {@code threads} reader threads. */
    public static CloudTrailScan of(CanaryIndex index, CloudTrailReader reader, int threads) {
        return new CloudTrailScan(index, reader, threads);
    }

    /**
     * The regular files under {@code roots} (files as given, directories recursively), sorted within each root,
     * without duplicates.
     *
     * @throws CanaryConfigurationException if a root does not exist
     */
    public static List<Path> files(List<Path> roots) {
        List<Path> out = new ArrayList<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new CanaryConfigurationException("no such file or directory: " + root);
            }
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(p -> {
                        if (seen.add(p.toAbsolutePath().normalize())) {
                            out.add(p);
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
                } catch (UncheckedIOException e) {
                    throw new UncheckedIOException("cannot list " + root + ": " + e.getCause().getMessage(), e.getCause());
                }
            } else if (seen.add(root.toAbsolutePath().normalize())) {
                out.add(root);
            }
        }
        return out;
    }

    /**
     * Scans {@code files} (as {@link #files} lists them) and hands each file's result to {@code listener} in order.
     * Unreadable and malformed files are reported in their results, never thrown.
     */
    public Summary scan(List<Path> files, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        long totalFiles = 0;
        long records = 0;
        long sightings = 0;
        long malformed = 0;
        long bytes = 0;
        long fileBytes = 0;
        List<ReadProblem> problems = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "canary-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Future<FileResult>> inFlight = new ArrayDeque<>();
            int next = 0;
            while (next < files.size() || !inFlight.isEmpty()) {
                while (next < files.size() && inFlight.size() < Math.max(16, threads * 8)) {
                    Path f = files.get(next++);
                    inFlight.add(pool.submit(() -> scanFile(f)));
                }
                FileResult r = await(inFlight.poll());
                totalFiles++;
                records += r.read().records();
                sightings += r.matches().size();
                malformed += r.read().malformed();
                bytes += r.read().bytes();
                fileBytes += r.size();
                for (ReadProblem p : r.read().problems()) {
                    if (problems.size() < 100) {
                        problems.add(p);
                    }
                }
                listener.file(r);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(totalFiles, records, sightings, malformed, bytes, fileBytes, problems);
    }

    private FileResult scanFile(Path f) {
        List<Match> matches = new ArrayList<>();
        ReadResult read = reader.read(f, index.filter(), rec -> {
            CanaryKey k = index.match(rec);
            if (k != null) {
                matches.add(new Match(k, rec));
            }
        });
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            size = 0;
        }
        return new FileResult(f, size, read, matches);
    }

    private static FileResult await(Future<FileResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    @Override
    public String toString() {
        return "CloudTrailScan[" + index + ", " + threads + " threads]";
    }
}
