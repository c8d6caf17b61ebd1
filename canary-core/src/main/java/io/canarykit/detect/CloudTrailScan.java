package io.canarykit.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.cloudtrail.ReadResult;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The CloudTrail scanning engine: finds the uses of the canaries in an index in CloudTrail data (any shape
 * {@link CloudTrailReader} reads, gzipped or not). {@code canary scan}, the {@code cloudtrail-s3} detector and the
 * SQS-fed detectors all read through it:
 * <ul>
 *   <li>{@link #scan(InputStream, String, Consumer)}: one stream, such as an S3 object's body, on the calling thread
 *       (no temporary file, nothing buffered beyond one record);</li>
 *   <li>{@link #scan(Path, Consumer)}: one file;</li>
 *   <li>{@link #scan(List, Listener)}: many files in parallel, matches streamed to the listener in path order.</li>
 * </ul>
 * Bad input never throws: malformed records, corrupt or truncated gzip data and decompression bombs (cut off by the
 * reader's {@link CloudTrailReader.Builder#maxCompressionRatio limits}) are counted and reported in the
 * {@link ReadResult}, and reading goes on with the next record it can find.
 *
 * <p>Immutable and thread-safe; each {@link #scan(List, Listener)} uses its own threads and stops them before it
 * returns.
 *
 * @since 0.1.0
 */
public final class CloudTrailScan {
    private final CanaryIndex index;
    private final CloudTrailReader reader;
    private final int threads;

    /**
     * One record matched to a canary.
     *
     * @param canary the canary the record is a use of
     * @param record the record (it has an event time: records without one never match)
     *
     * @since 0.1.0
     */
    public record Match(CanaryKey canary, CloudTrailRecord record) {
        public Match {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(record, "record");
        }

        /**
         * This use as a sighting from detector {@code source}, correlated: its {@code canaryId} is the canary's (the
         * detection engine checks it against the store). Its {@code sourceEventId} is the record's
         * {@link CloudTrailRecord#sightingId()}, so that reading the same record twice stores one sighting.
         */
        public Sighting sighting(String source) {
            Objects.requireNonNull(source, "source");
            return record.toSighting(source).orElseThrow(() -> new IllegalStateException(
                    "a matched record without an event time")).withCanaryId(canary.canaryId());
        }
    }

    /**
     * What scanning one file gave; its matches were handed to {@link Listener#match} before it.
     *
     * @param file    the file
     * @param size    its size on disk (0 if it could not be read)
     * @param read    the records read and the problems found
     * @param matches how many of its records matched a canary
     *
     * @since 0.1.0
     */
    public record FileResult(Path file, long size, ReadResult read, long matches) {
        public FileResult {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(read, "read");
        }
    }

    /**
     * Receives what {@link #scan(List, Listener)} finds, in path order (files in the order given, matches in input
     * order within a file), always on the thread that called it. What it throws ends the scan and propagates.
     *
     * @since 0.1.0
     */
    public interface Listener {
        /** One match in {@code file}. */
        void match(Path file, Match match);

        /** {@code result.file()} has been read to its end, after all its matches. Does nothing by default. */
        default void file(FileResult result) {
        }
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
     *
     * @since 0.1.0
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
     * Scans one stream, gzipped or not (recognised by its bytes), on the calling thread, handing each match to
     * {@code matches} as soon as its record is read, in input order. Does not close {@code in}. Bad data is reported
     * in the result, never thrown; records after a bad one are still found.
     *
     * @param in      the data, such as an S3 object's body
     * @param source  the name problems are reported under, such as {@code s3://bucket/key}
     * @param matches receives each match; what it throws propagates
     * @return the records read, the problems found, the bytes read
     * @throws UncheckedIOException if reading {@code in} itself fails (a connection reset: retry the source); the
     *                              matches before the failure have already been handed over
     */
    public ReadResult scan(InputStream in, String source, Consumer<? super Match> matches) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(matches, "matches");
        SourceGuard guarded = new SourceGuard(in);
        ReadResult r = reader.read(guarded, source, index.filter(), rec -> {
            CanaryKey k = index.match(rec);
            if (k != null) {
                matches.accept(new Match(k, rec));
            }
        });
        if (guarded.failure != null) {
            throw new UncheckedIOException("cannot read " + source + ": " + guarded.failure.getMessage(),
                    guarded.failure);
        }
        return r;
    }

    /**
     * Scans one file on the calling thread, handing each match to {@code matches} as soon as its record is read. A
     * file that cannot be opened or read is reported in the result, never thrown.
     *
     * @param matches receives each match; what it throws propagates
     */
    public ReadResult scan(Path file, Consumer<? super Match> matches) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(matches, "matches");
        return reader.read(file, index.filter(), rec -> {
            CanaryKey k = index.match(rec);
            if (k != null) {
                matches.accept(new Match(k, rec));
            }
        });
    }

    /**
     * Scans {@code files} (as {@link #files} lists them) in parallel and hands their matches and results to
     * {@code listener} in path order. Unreadable and malformed files are reported in their results, never thrown.
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
            Deque<Future<Buffered>> inFlight = new ArrayDeque<>();
            int next = 0;
            while (next < files.size() || !inFlight.isEmpty()) {
                while (next < files.size() && inFlight.size() < Math.max(16, threads * 8)) {
                    Path f = files.get(next++);
                    inFlight.add(pool.submit(() -> scanFile(f)));
                }
                Buffered b = await(inFlight.poll());
                for (Match m : b.matches) {
                    listener.match(b.result.file(), m);
                }
                FileResult r = b.result;
                totalFiles++;
                records += r.read().records();
                sightings += r.matches();
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

    /** A file's result with its matches. */
    private record Buffered(FileResult result, List<Match> matches) {
    }

    private Buffered scanFile(Path f) {
        List<Match> matches = new ArrayList<>();
        ReadResult read = scan(f, matches::add);
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            size = 0;
        }
        return new Buffered(new FileResult(f, size, read, matches.size()), matches);
    }

    /** Remembers what reading the underlying stream threw, to tell a failing source from bad data in it. */
    private static final class SourceGuard extends java.io.FilterInputStream {
        IOException failure;

        SourceGuard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    private static <T> T await(Future<T> f) {
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
