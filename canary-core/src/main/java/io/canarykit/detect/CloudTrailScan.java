package io.canarykit.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.cloudtrail.ReadResult;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
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

import org.jspecify.annotations.Nullable;

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
     * @param canary   the canary the record is a use of, or (when {@code exposure}) that it tells is published
     * @param record   the record (it has an event time: records without one never match)
     * @param exposure true if the record is no use of the canary but AWS quarantining its user
     *                 ({@link CanaryIndex#exposedBy})
     *
     * @since 0.1.0
     */
    public record Match(CanaryKey canary, CloudTrailRecord record, boolean exposure) {
        public Match {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(record, "record");
        }

        /** A use of {@code canary}. */
        public Match(CanaryKey canary, CloudTrailRecord record) {
            this(canary, record, false);
        }

        /**
         * This match as a sighting from detector {@code source}, correlated: its {@code canaryId} is the canary's (the
         * detection engine checks it against the store); an {@link io.canarykit.SightingKind#EXPOSURE_NOTICE} for
         * an exposure. Its {@code sourceEventId} is the record's {@link CloudTrailRecord#sightingId()}, so that
         * reading the same record twice stores one sighting.
         */
        public Sighting sighting(String source) {
            Objects.requireNonNull(source, "source");
            if (record.eventTime() == null) {
                throw new IllegalStateException("a matched record without an event time");
            }
            return exposure ? ExposureNotices.sighting(record, canary, source)
                    : record.toSighting(source).orElseThrow().withCanaryId(canary.canaryId());
        }
    }

    /** What the reader hands each record it reads to: its match, if it has one, goes to {@code matches}. */
    private Consumer<CloudTrailRecord> matching(Consumer<? super Match> matches) {
        return rec -> {
            Match m = matchOf(rec);
            if (m != null) {
                matches.accept(m);
            }
        };
    }

    /** The match of {@code rec}: a use of a canary, else an exposure notice of one, else null. */
    private @Nullable Match matchOf(CloudTrailRecord rec) {
        CanaryKey k = index.match(rec);
        if (k != null) {
            return new Match(k, rec);
        }
        CanaryKey exposed = index.exposedBy(rec);
        return exposed == null ? null : new Match(exposed, rec, true);
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
        java.util.Set<Path> seen = roots.size() > 1 ? new java.util.HashSet<>() : null; // one root lists no file twice
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new CanaryConfigurationException("no such file or directory: " + root);
            }
            if (Files.isDirectory(root)) {
                List<Path> found = new ArrayList<>();
                try {
                    // the attributes the walk reads anyway tell files from the rest: no second look at each file
                    Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult visitFile(Path file,
                                                                       java.nio.file.attribute.BasicFileAttributes attrs) {
                            if (attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file)) {
                                found.add(file);
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            throw e;
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
                }
                found.sort(null);
                for (Path p : found) {
                    if (seen == null || seen.add(p.toAbsolutePath().normalize())) {
                        out.add(p);
                    }
                }
            } else if (seen == null || seen.add(root.toAbsolutePath().normalize())) {
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
        ReadResult r = reader.read(guarded, source, index.filter(), matching(matches));
        IOException failure = guarded.failure;
        if (failure != null) {
            throw new UncheckedIOException("cannot read " + source + ": " + failure.getMessage(), failure);
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
        return reader.read(file, index.filter(), matching(matches));
    }

    /**
     * Scans {@code files} (as {@link #files} lists them) in parallel and hands their matches and results to
     * {@code listener} in path order. Unreadable and malformed files are reported in their results, never thrown.
     */
    public Summary scan(List<Path> files, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        List<Path> all = List.copyOf(files);
        long[] sizes = new long[all.size()];
        long[] total = {0};
        OrderedScan.Delivery<Path> delivery = new OrderedScan.Delivery<>() {
            @Override
            public void match(Path f, Match m) {
                listener.match(f, m);
            }

            @Override
            public void done(int i, Path f, ReadResult r, long matches) {
                total[0] += sizes[i];
                listener.file(new FileResult(f, sizes[i], r, matches));
            }
        };
        Summary s = new OrderedScan<>(all, (i, f, matches) -> scanCounted(f, matches, sizes, i), delivery, threads)
                .run();
        return new Summary(s.files(), s.records(), s.sightings(), s.malformed(), s.bytes(), total[0], s.problems());
    }

    /**
     * {@link #scan(Path, Consumer)} for {@link #scan(List, Listener)}, which also needs each file's size: the bytes read,
     * when the file was read to its end (as nearly always), so that a scan of many small files does not look at each
     * one a second time; else what the file system says (0 if it cannot say).
     */
    private ReadResult scanCounted(Path f, Consumer<? super Match> matches, long[] sizes, int i) {
        FileInputStream in = null;
        if (f.getFileSystem() == FileSystems.getDefault()) {
            try {
                in = new FileInputStream(f.toFile());
            } catch (IOException | UnsupportedOperationException e) {
                // not a readable regular file: the reader opens it again and reports why it cannot
            }
        }
        if (in == null) {
            ReadResult r = scan(f, matches);
            sizes[i] = sizeOf(f);
            return r;
        }
        CountedInput counted = new CountedInput(in);
        try {
            ReadResult r = reader.read(counted, f.toString(), index.filter(), matching(matches));
            sizes[i] = counted.atEnd ? counted.count : sizeOf(f);
            return r;
        } finally {
            try {
                in.close();
            } catch (IOException e) {
                // read-only: nothing was lost, and the reader has said what went wrong while reading
            }
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Counts the bytes read from a file and remembers reaching its end. */
    private static final class CountedInput extends java.io.FilterInputStream {
        long count;
        boolean atEnd;

        CountedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                atEnd = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                atEnd = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }
    }

    /**
     * One of many sources of {@link #scanSources}: an S3 object, say, opened when its turn comes.
     *
     * @since 0.1.0
     */
    public interface Source {
        /** The name problems are reported under, such as {@code s3://bucket/key}. */
        String name();

        /** Opens the bytes (gzipped or not); the scan closes the stream when it has read it. */
        InputStream open() throws IOException;
    }

    /**
     * Receives what {@link #scanSources} finds, in the sources' order (matches in input order within a source), always
     * on the thread that called it. What it throws ends the scan and propagates.
     *
     * @since 0.1.0
     */
    public interface SourceListener<S extends Source> {
        /** One match in {@code source}. */
        void match(S source, Match match);

        /** {@code source} has been read to its end, after all its matches. Does nothing by default. */
        default void done(S source, ReadResult result, long matches) {
        }
    }

    /**
     * Scans {@code sources} as {@link #scan(List, Listener)} scans files: in parallel (as many at once as this scan's
     * threads), matches handed to {@code listener} in the sources' order on the calling thread, with bounded buffering.
     * Each source is opened when its turn comes and closed once read; bad data is reported in its result.
     *
     * @throws UncheckedIOException if a source cannot be opened or its stream fails while being read (retry it): the
     *                              listener has had everything of the sources before it, and the sources after it are
     *                              not handed over
     */
    public <S extends Source> Summary scanSources(List<S> sources, SourceListener<S> listener) {
        Objects.requireNonNull(listener, "listener");
        return new OrderedScan<S>(List.copyOf(sources), (i, src, matches) -> {
            try (InputStream in = src.open()) {
                return scan(in, src.name(), matches);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + src.name() + ": " + e.getMessage(), e);
            }
        }, new OrderedScan.Delivery<S>() {
            @Override
            public void match(S src, Match m) {
                listener.match(src, m);
            }

            @Override
            public void done(int i, S src, ReadResult r, long matches) {
                listener.done(src, r, matches);
            }
        }, threads).run();
    }

    /** Remembers what reading the underlying stream threw, to tell a failing source from bad data in it. */
    private static final class SourceGuard extends java.io.FilterInputStream {
        @Nullable IOException failure;

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

    @Override
    public String toString() {
        return "CloudTrailScan[" + index + ", " + threads + " threads]";
    }
}
