package io.canarykit.cloudtrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import org.jspecify.annotations.Nullable;

/**
 * Reads CloudTrail records in every shape AWS and common tools produce, streaming, in constant memory whatever the
 * size of the input:
 * <ul>
 *   <li>S3 log files {@code {"Records":[…]}}, gzipped or not (gzip is recognised by its magic bytes, not by name);</li>
 *   <li>JSON arrays of records;</li>
 *   <li>JSON Lines (any number of top-level values, one after another);</li>
 *   <li>a single bare record;</li>
 *   <li>LookupEvents {@code Events[]} items (or whole responses) whose {@code CloudTrailEvent} is a JSON string;</li>
 *   <li>EventBridge "AWS API Call via CloudTrail" envelopes whose {@code detail} is the record.</li>
 * </ul>
 * Shapes may be mixed, such as JSON Lines of envelopes. Records without {@code userIdentity}, without {@code type},
 * with unknown extra fields or odd values are read as they are.
 *
 * <p>Malformed input never throws: invalid JSON, truncated or corrupt gzip data, a field of the wrong type (an object
 * where a string belongs), or an object that is no CloudTrail record is counted in {@link ReadResult#malformed()} and
 * reported with the source and position. Records before a problem have already been handed to the consumer when it is
 * found. A record with a field of the wrong type is skipped and reading goes on with the next one; after invalid JSON
 * (or invalid UTF-8, nesting too deep, a number or record too long), reading resumes at the next record of the same
 * {@code Records} array, inside the line (so one bad record of a single-line S3 log file hides no record after it),
 * else at the next line that starts an object (JSON Lines lose only the broken line); after corrupt gzip data, or
 * beyond the decompression limits, nothing more can be read from the source.
 *
 * <p>Instances are immutable and thread-safe; each call reads one source on the calling thread.
 *
 * @since 0.1.0
 */
public final class CloudTrailReader {
    /**
     * The logger, made on first use: reading clean input logs nothing, and a command line that only scans should not
     * pay for setting up logging (a second of CPU time with an XML configuration).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(CloudTrailReader.class);
    }
    private static final int BUFFER = 1 << 16;

    private final JsonFactory factory;
    private final int maxProblems;
    private final int maxRecordBytes;
    private final long maxDecompressedBytes;
    private final int maxCompressionRatio;

    private CloudTrailReader(Builder b) {
        this.maxProblems = b.maxProblems;
        this.maxDecompressedBytes = b.maxDecompressedBytes;
        this.maxCompressionRatio = b.maxCompressionRatio;
        // the fast path holds one record at a time; a larger one is read by the general reader, streaming
        this.maxRecordBytes = Math.max(1 << 20, Math.min(b.maxStringLength + (64 << 10), 4 << 20));
        this.factory = JsonFactory.builder()
                .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(b.maxStringLength)
                        .maxNestingDepth(b.maxNestingDepth)
                        .build())
                .build();
    }

    /** A reader with default limits (100 problems kept per source). */
    public static CloudTrailReader create() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a file. A file that cannot be opened is reported as one problem, not thrown.
     *
     * @param consumer receives each record on the calling thread, in input order; what it throws propagates
     */
    public ReadResult read(Path file, Consumer<? super CloudTrailRecord> consumer) {
        return readFile(file, null, consumer);
    }

    /**
     * Reads a file but hands over only the records {@code filter} wants; every record is still counted and checked,
     * and problems are reported exactly as {@link #read(Path, Consumer)} reports them. S3 log files are scanned on a
     * fast path that decodes only the records that might be wanted (see {@link RecordFilter}); where it meets
     * anything it does not handle, the general reader goes on from there (nothing is read twice).
     *
     * @param consumer receives each wanted record on the calling thread, in input order; what it throws propagates
     */
    public ReadResult read(Path file, RecordFilter filter, Consumer<? super CloudTrailRecord> consumer) {
        Objects.requireNonNull(filter, "filter");
        return readFile(file, filter, consumer);
    }

    private ReadResult readFile(Path file, @Nullable RecordFilter filter, Consumer<? super CloudTrailRecord> consumer) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(consumer, "consumer");
        String source = file.toString();
        InputStream raw;
        try {
            raw = open(file);
        } catch (IOException e) {
            Session s = new Session(source, consumer, filter);
            s.problem(0, 0, -1, "cannot open: " + describe(e));
            return s.result();
        }
        try {
            return readStream(raw, source, filter, consumer);
        } finally {
            try {
                raw.close();
            } catch (IOException e) {
                Log.LOG.warn("could not close {}: {}", source, describe(e));
            }
        }
    }

    /**
     * The file's bytes: a {@link FileInputStream} where the file is on the default file system (it reads straight into
     * the caller's array, and the JIT compiles the reading over it much sooner than over a channel's stream);
     * otherwise, or when it cannot be opened that way, the file system's own stream, whose exception then says what is
     * wrong.
     */
    private static InputStream open(Path file) throws IOException {
        if (file.getFileSystem() == FileSystems.getDefault()) {
            try {
                return new FileInputStream(file.toFile());
            } catch (FileNotFoundException | UnsupportedOperationException e) {
                // fall through
            }
        }
        return Files.newInputStream(file);
    }

    /** Reads JSON text (never gzipped), for example an EventBridge event as a Lambda function receives it. */
    public ReadResult read(String json, String source, Consumer<? super CloudTrailRecord> consumer) {
        Objects.requireNonNull(json, "json");
        return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), source, consumer);
    }

    /**
     * Reads a stream, gzipped or not; does not close it.
     *
     * @param source   the name problems are reported under (a file name, an S3 key)
     * @param consumer receives each record on the calling thread, in input order; what it throws propagates
     */
    public ReadResult read(InputStream in, String source, Consumer<? super CloudTrailRecord> consumer) {
        return readStream(Objects.requireNonNull(in, "in"), source, null, consumer);
    }

    /**
     * Reads a stream, gzipped or not, handing over only the records {@code filter} wants (every record is counted and
     * checked) on the same fast path as {@link #read(Path, RecordFilter, Consumer)}; does not close it. Nothing is
     * buffered beyond the record being read: an S3 object's body is read as it arrives.
     */
    public ReadResult read(InputStream in, String source, RecordFilter filter, Consumer<? super CloudTrailRecord> consumer) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(filter, "filter");
        return readStream(in, source, filter, consumer);
    }

    private ReadResult readStream(InputStream raw, String source, @Nullable RecordFilter filter,
                                  Consumer<? super CloudTrailRecord> consumer) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(consumer, "consumer");
        Session s = new Session(source, consumer, filter);
        Workspace ws = Workspace.acquire();
        try {
            Source in = s.open(raw, ws);
            if (in == null) {
                return s.result();
            }
            if (filter == null) {
                s.parse(in, new Framer(), Start.TOP);
                return s.result();
            }
            FastS3Scanner fast = new FastS3Scanner(in, ws, filter, s.fastSink(), maxRecordBytes);
            FastS3Scanner.Outcome outcome = fast.run();
            if (outcome == FastS3Scanner.Outcome.DONE) {
                s.bytes = fast.consumed();
                s.shapes.add(RecordShape.S3_LOG_FILE);
                return s.result();
            }
            s.goOn(fast, outcome == FastS3Scanner.Outcome.NOT_S3, in);
            return s.result();
        } finally {
            ws.release();
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    /**
     * Builder for {@link CloudTrailReader}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        /** The default of {@link #maxDecompressedBytes}: 4 GiB. */
        public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 4L << 30;
        /** The default of {@link #maxCompressionRatio}: 100 (CloudTrail log files compress about 10 to 20 times). */
        public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;

        private int maxProblems = 100;
        private int maxStringLength = 4_000_000;
        private int maxNestingDepth = 1000;
        private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
        private int maxCompressionRatio = DEFAULT_MAX_COMPRESSION_RATIO;

        private Builder() {
        }

        /**
         * The most bytes one gzip-compressed source may inflate to (default 4 GiB). Beyond it, reading the source
         * stops with a problem that says so; what was read before counts. Uncompressed sources have no such limit.
         */
        public Builder maxDecompressedBytes(long v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxDecompressedBytes must be positive: " + v);
            }
            maxDecompressedBytes = v;
            return this;
        }

        /**
         * The most a gzip-compressed source may inflate relative to the compressed bytes read so far (default 100),
         * checked once it has inflated to 16 MiB: what cuts off a decompression bomb (gzip can inflate about 1,000
         * times) long before it is read. Beyond it, reading the source stops with a problem that says so.
         */
        public Builder maxCompressionRatio(int v) {
            if (v < 2) {
                throw new IllegalArgumentException("maxCompressionRatio must be at least 2: " + v);
            }
            maxCompressionRatio = v;
            return this;
        }

        /** How many problems to keep per source (all are counted); default 100. */
        public Builder maxProblems(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("maxProblems must not be negative: " + v);
            }
            maxProblems = v;
            return this;
        }

        /**
         * The longest string value read, in characters (default 4,000,000; CloudTrail events are at most 256 KB): a
         * record with a longer one is a problem, reported, and reading goes on with the next record. It bounds the
         * memory one record can take (about three bytes per character while it is read), so that a small heap reads
         * any input.
         */
        public Builder maxStringLength(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxStringLength must be positive: " + v);
            }
            maxStringLength = v;
            return this;
        }

        /** The deepest nesting accepted (default 1000). */
        public Builder maxNestingDepth(int v) {
            if (v < 4) {
                throw new IllegalArgumentException("maxNestingDepth must be at least 4: " + v);
            }
            maxNestingDepth = v;
            return this;
        }

        /** Builds the immutable {@link CloudTrailReader}. */
        public CloudTrailReader build() {
            return new CloudTrailReader(this);
        }
    }

    /** Thrown inside a record's parse when a field has the wrong type; caught per record. */
    private static final class WrongType extends Exception {
        private static final long serialVersionUID = 1L;

        WrongType(String message) {
            super(message, null, false, false);
        }
    }

    /** What one JSON object turned out to be. */
    private enum Kind { RECORD, CONTAINER, NOT_A_RECORD }

    /** The state of reading one source. */
    private final class Session {
        private final String source;
        private final Consumer<? super CloudTrailRecord> consumer;
        private final @Nullable RecordFilter filter;
        private final List<ReadProblem> problems = new ArrayList<>();
        private final Set<RecordShape> shapes = EnumSet.noneOf(RecordShape.class);
        private long records;
        private long malformed;
        private boolean gzipped;
        private long bytes;
        private int rootValues;
        private boolean sameRoot; // the next top-level value the parser sees continues one already counted
        private int skipElements; // elements of the next array of records to pass over unread (a resumption's stand-in)
        private long lastResume = -1;

        // position of the current parser's input in the whole decompressed input (it restarts after a resync)
        private long baseOffset;
        private long baseLine;
        private long baseColumn;

        Session(String source, Consumer<? super CloudTrailRecord> consumer, @Nullable RecordFilter filter) {
            this.source = source;
            this.consumer = consumer;
            this.filter = filter;
        }

        /** Where the fast path hands its records. */
        FastS3Scanner.Sink fastSink() {
            return new FastS3Scanner.Sink() {
                @Override
                public void candidate(byte[] b, int off, int len, long offset, long line, long column)
                        throws FastS3Scanner.Fallback {
                    Parsed r;
                    JsonLocation start;
                    try (JsonParser p = factory.createParser(b, off, len)) {
                        p.nextToken();
                        start = p.currentTokenLocation();
                        r = object(p);
                        if (p.nextToken() != null) {
                            throw new FastS3Scanner.Fallback("a record followed by more");
                        }
                    } catch (IOException e) {
                        throw new FastS3Scanner.Fallback("a candidate record Jackson cannot read: " + describe(e));
                    }
                    if (r.kind == Kind.CONTAINER) {
                        throw new FastS3Scanner.Fallback("a container inside Records");
                    }
                    baseOffset = offset;
                    baseLine = line - 1;
                    baseColumn = column - 1;
                    deliver(r, start);
                    baseOffset = 0;
                    baseLine = 0;
                    baseColumn = 0;
                }

                @Override
                public void decoded(@Nullable CloudTrailRecord wanted, byte[] b, int off, int len, long offset, long line,
                                    long column) {
                    records++;
                    if (wanted != null) {
                        consumer.accept(wanted);
                    }
                }

                @Override
                public void plain() {
                    records++;
                }
            };
        }

        ReadResult result() {
            return new ReadResult(source, records, malformed, problems, shapes, gzipped, bytes);
        }

        void problem(long line, long column, long offset, String message) {
            malformed++;
            if (problems.size() < maxProblems) {
                problems.add(new ReadProblem(source, line, column, offset, message));
            }
        }

        void problem(@Nullable JsonLocation at, String message) {
            if (at == null) {
                problem(0, 0, -1, message);
                return;
            }
            long line = at.getLineNr() < 1 ? 0 : baseLine + at.getLineNr();
            long column = Math.max(at.getColumnNr(), 0) + (at.getLineNr() == 1 ? baseColumn : 0);
            long offset = at.getByteOffset() < 0 ? -1 : baseOffset + at.getByteOffset();
            problem(line, column, offset, message);
        }

        /** The decompressed input (gzip recognised by its magic bytes), or null if it is empty or unreadable. */
        @Nullable Source open(InputStream raw, Workspace ws) {
            Source in;
            try {
                in = Source.open(raw, ws, maxDecompressedBytes, maxCompressionRatio);
            } catch (IOException e) {
                problem(0, 0, 0, "cannot read: " + describe(e));
                return null;
            }
            if (in.empty()) {
                return null; // empty input: nothing to read, nothing wrong
            }
            gzipped = in.gzipped();
            try {
                in.start();
            } catch (IOException e) {
                problem(0, 0, 0, (gzipped ? "corrupt gzip header: " : "cannot read: ") + describe(e));
                return null;
            }
            return in;
        }

        /**
         * Goes on where the fast path stopped, from the bytes it still holds followed by the rest of the source (or by
         * what reading it threw), at the place in the S3 log file's structure where it stopped.
         */
        void goOn(FastS3Scanner fast, boolean fromStart, Source rest) {
            Log.LOG.debug("{}: the general reader goes on from byte {} ({})", source, fast.consumed(), fast.stopReason());
            byte[] held = fast.buffer();
            int from = fast.pending();
            IOException failed = fast.failure();
            InputStream tail = failed == null ? rest : new Failing(failed);
            InputStream in = new java.io.SequenceInputStream(new ByteArrayInputStream(held, from, fast.end() - from), tail);
            long offset = fast.consumed();
            if (fromStart) { // not an S3 log file: from the start
                parse(in, new Framer(), Start.TOP);
                return;
            }
            long line = fast.line();
            long column = offset - fast.lineStart() + 1;
            shapes.add(RecordShape.S3_LOG_FILE);
            rootValues = 1;
            Start start;
            Framer framer;
            switch (fast.stoppedAt()) {
                case FIRST:
                    start = new Start("{\"Records\":[", false, true, offset, line, column);
                    framer = Framer.inS3File(2, true, offset, line, fast.lineStart());
                    break;
                case NEXT:
                    start = new Start("{\"Records\":[0,", true, true, offset, line, column);
                    framer = Framer.inS3File(2, true, offset, line, fast.lineStart());
                    break;
                case AFTER:
                    start = new Start("{\"Records\":[0", true, true, offset, line, column);
                    framer = Framer.inS3File(2, false, offset, line, fast.lineStart());
                    break;
                case AFTER_ARRAY:
                    start = new Start("{\"Records\":null", false, true, offset, line, column);
                    framer = Framer.inS3File(1, false, offset, line, fast.lineStart());
                    break;
                default:
                    start = new Start("", false, false, offset, line, column);
                    framer = Framer.inS3File(0, false, offset, line, fast.lineStart());
                    break;
            }
            parse(in, framer, start);
        }

        /**
         * Parses {@code in} (whose first byte is at {@code start}'s position) to its end, resuming after invalid JSON
         * where {@code framer} (which sees every byte) says the next element, or the next top-level object, starts.
         */
        void parse(InputStream in, Framer framer, Start start) {
            Resumable stream = new Resumable(in, framer, start.offset());
            JsonParser p = null;
            try {
                p = parserAt(stream, start);
                while (true) {
                    try {
                        if (!rootValue(p)) {
                            break;
                        }
                    } catch (JsonProcessingException e) {
                        JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
                        problem(at, "invalid JSON: " + clean(e.getOriginalMessage()));
                        long errorAt = at == null || at.getByteOffset() < 0 ? -1 : baseOffset + at.getByteOffset();
                        Start next = resync(p, stream, framer, errorAt);
                        p.close();
                        p = null;
                        if (next == null) {
                            break;
                        }
                        p = parserAt(stream, next);
                    }
                }
            } catch (Source.LimitExceeded e) {
                problem(framer.line(), framer.column(), framer.offset(), e.getMessage());
            } catch (IOException e) {
                // the byte stream itself failed: truncated or corrupt gzip data, or an I/O error; where the bytes end
                problem(framer.line(), framer.column(), framer.offset(), (gzipped ? "truncated or corrupt gzip data: "
                        : "cannot read: ") + describe(e) + "; nothing after this point could be read");
            } finally {
                bytes = stream.position();
                if (p != null) {
                    try {
                        p.close();
                    } catch (IOException e) {
                        Log.LOG.debug("closing parser of {}: {}", source, describe(e));
                    }
                }
            }
        }

        /** A parser over the stream from {@code start} on, with its stand-in prefix; positions map to the source's. */
        private JsonParser parserAt(Resumable stream, Start start) throws IOException {
            byte[] prefix = start.prefix().getBytes(StandardCharsets.US_ASCII);
            baseOffset = start.offset() - prefix.length;
            baseLine = start.line() - 1;
            baseColumn = start.column() - 1 - prefix.length;
            skipElements = start.skipFirstElement() ? 1 : 0;
            sameRoot = start.sameRoot();
            InputStream in = prefix.length == 0 ? stream
                    : new java.io.SequenceInputStream(new ByteArrayInputStream(prefix), stream);
            return factory.createParser(in);
        }

        /**
         * After invalid JSON at {@code errorAt}: where to go on. The first place the framer knows at or after both the
         * error and what the parser has read, past the last resumption (so that reading always moves on): the next
         * element of the same array of records, the end of that array, or a line that starts a top-level object. It
         * reads on (in blocks, discarding) until the framer has seen one; {@code null} at the end of the input.
         */
        private @Nullable Start resync(JsonParser p, Resumable stream, Framer framer, long errorAt) throws IOException {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            p.releaseBuffered(rest);
            byte[] unread = rest.toByteArray();
            stream.pushBack(unread, 0, unread.length);
            long from = Math.max(Math.max(errorAt, stream.position()), lastResume + 1);
            byte[] block = new byte[8192];
            long error = errorAt < 0 ? stream.position() : errorAt;
            long event = framer.find(from, error);
            while (event < 0) {
                long before = stream.position();
                int n = stream.read(block, 0, block.length);
                if (n < 0) {
                    return null;
                }
                event = framer.find(from, error);
                if (event >= 0 && framer.offset(event) < stream.position()) {
                    int keep = (int) (stream.position() - framer.offset(event));
                    stream.pushBack(block, n - keep, keep);
                }
                if (before + n != stream.position() && event < 0) {
                    throw new IllegalStateException("resynchronisation lost its place");
                }
            }
            long at = framer.offset(event);
            stream.skipTo(at);
            lastResume = at;
            int kind = framer.kind(event);
            long line = framer.line(event);
            long column = framer.column(event);
            String key = kind == Framer.EVENTS ? "Events" : "Records";
            switch (framer.type(event)) {
                case Framer.ELEMENT:
                    return new Start(kind == Framer.ROOT_ARRAY ? "[" : "{\"" + key + "\":[", false, true, at, line, column);
                case Framer.ARRAY_END:
                    if (stream.read() < 0) { // the ']' itself
                        return null;
                    }
                    return kind == Framer.ROOT_ARRAY ? new Start("", false, false, at + 1, line, column + 1)
                            : new Start("{\"" + key + "\":null", false, true, at + 1, line, column + 1);
                default:
                    return new Start("", false, false, at, line, column);
            }
        }

        /** Reads one top-level value; false at the end of input. */
        private boolean rootValue(JsonParser p) throws IOException {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            if (sameRoot) {
                sameRoot = false; // a resumption's stand-in for a value already counted
            } else {
                rootValues++;
            }
            if (rootValues == 2) {
                shapes.add(RecordShape.JSON_LINES);
            }
            if (t == JsonToken.START_OBJECT) {
                JsonLocation start = p.currentTokenLocation();
                Parsed r = object(p);
                if (r.kind == Kind.RECORD) {
                    if (r.shape != null) {
                        shapes.add(r.shape);
                    } else {
                        shapes.add(RecordShape.SINGLE_RECORD);
                    }
                }
                deliver(r, start);
            } else if (t == JsonToken.START_ARRAY) {
                shapes.add(RecordShape.JSON_ARRAY);
                elements(p);
            } else {
                problem(p.currentTokenLocation(), "expected a JSON object or array at the top level, found "
                        + describe(t));
            }
            return true;
        }

        /** The elements of an array of records (or envelopes, or LookupEvents items); the array's START is current. */
        private void elements(JsonParser p) throws IOException {
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in an array");
                }
                if (skipElements > 0) {
                    skipElements--; // a resumption's stand-in for an element already read
                    p.skipChildren();
                    continue;
                }
                JsonLocation start = p.currentTokenLocation();
                if (t == JsonToken.START_OBJECT) {
                    Parsed r = object(p);
                    if (r.kind == Kind.RECORD && r.shape != null) {
                        shapes.add(r.shape);
                    }
                    deliver(r, start);
                } else {
                    p.skipChildren();
                    problem(start, "expected a record object in the array, found " + describe(t));
                }
            }
        }

        private void deliver(Parsed r, JsonLocation start) {
            switch (r.kind) {
                case RECORD:
                    if (r.problem != null) {
                        problem(start, r.problem);
                    } else {
                        records++;
                        CloudTrailRecord record = r.record();
                        if (filter == null || filter.test(record)) {
                            consumer.accept(record);
                        }
                    }
                    break;
                case NOT_A_RECORD:
                    problem(start, r.problem != null ? r.problem
                            : "an object that is no CloudTrail record (no eventName, eventSource, eventID, Records, "
                            + "detail or CloudTrailEvent)");
                    break;
                default:
                    break;
            }
        }

        /**
         * Parses one object (its START_OBJECT is current) and streams the records of any {@code Records} or
         * {@code Events} array in it. Returns what the object itself is.
         */
        private Parsed object(JsonParser p) throws IOException {
            Fields f = new Fields();
            String wrong = null;
            boolean container = false;
            Parsed detail = null;
            String cloudTrailEvent = null;
            String detailType = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t == null) {
                    throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in an object");
                }
                String name = p.currentName();
                JsonToken v = p.nextToken();
                try {
                    switch (name) {
                        case "Records":
                        case "Events":
                            if (v == JsonToken.START_ARRAY) {
                                container = true;
                                shapes.add(name.equals("Records") ? RecordShape.S3_LOG_FILE : RecordShape.LOOKUP_EVENTS);
                                elements(p);
                            } else if (v == JsonToken.VALUE_NULL) {
                                container = true;
                            } else {
                                p.skipChildren();
                                throw new WrongType(name + " is " + describe(v) + ", expected an array of records");
                            }
                            break;
                        case "detail":
                            if (v == JsonToken.START_OBJECT) {
                                JsonLocation at = p.currentTokenLocation();
                                detail = object(p);
                                if (detail.kind == Kind.CONTAINER) {
                                    detail = new Parsed(Kind.NOT_A_RECORD, null, null,
                                            "the EventBridge detail holds no CloudTrail record");
                                }
                                if (detail.kind == Kind.NOT_A_RECORD && detail.problem == null) {
                                    detail = new Parsed(Kind.NOT_A_RECORD, null, null, "the EventBridge detail at line "
                                            + (baseLine + at.getLineNr()) + " is no CloudTrail record");
                                }
                            } else {
                                p.skipChildren();
                                if (v != JsonToken.VALUE_NULL) {
                                    throw new WrongType("detail is " + describe(v) + ", expected the record object");
                                }
                            }
                            break;
                        case "detail-type":
                            detailType = text(p, v, name);
                            break;
                        case "CloudTrailEvent":
                            if (v == JsonToken.VALUE_STRING) {
                                cloudTrailEvent = p.getText();
                            } else if (v == JsonToken.START_OBJECT) {
                                // some tools decode it already: accept the object as the record
                                detail = object(p);
                                f.lookupItem = true;
                            } else {
                                p.skipChildren();
                                if (v != JsonToken.VALUE_NULL) {
                                    throw new WrongType("CloudTrailEvent is " + describe(v) + ", expected a JSON string");
                                }
                            }
                            break;
                        default:
                            f.field(p, name, v);
                            break;
                    }
                } catch (WrongType e) {
                    if (wrong == null) {
                        wrong = e.getMessage();
                    }
                }
            }
            if (container) {
                return Parsed.CONTAINER;
            }
            if (detail != null || detailType != null && f.envelope) {
                // an EventBridge envelope (or a LookupEvents item whose CloudTrailEvent was already an object)
                RecordShape shape = f.lookupItem ? RecordShape.LOOKUP_EVENTS : RecordShape.EVENTBRIDGE;
                if (wrong != null) {
                    return new Parsed(Kind.RECORD, null, shape, wrong);
                }
                if (detail == null) {
                    return new Parsed(Kind.NOT_A_RECORD, null, null,
                            "an EventBridge event (" + detailType + ") without a detail record");
                }
                if (detail.kind != Kind.RECORD || detail.problem != null) {
                    return new Parsed(Kind.RECORD, null, shape, detail.problem != null ? detail.problem
                            : "the event's detail is no CloudTrail record");
                }
                return new Parsed(Kind.RECORD, f.fallbacks(detail.record()), shape, null);
            }
            if (cloudTrailEvent != null) {
                if (wrong != null) {
                    return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS, wrong);
                }
                return innerDocument(cloudTrailEvent, f);
            }
            if (f.looksLikeRecord()) {
                return new Parsed(Kind.RECORD, wrong == null ? f.record() : null, null, wrong);
            }
            return new Parsed(Kind.NOT_A_RECORD, null, null, wrong);
        }

        /** Parses the JSON string of a LookupEvents item's {@code CloudTrailEvent}. */
        Parsed innerDocument(String json, Fields item) {
            try (JsonParser inner = factory.createParser(json)) {
                JsonToken t = inner.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS,
                            "CloudTrailEvent holds " + describe(t) + ", expected a JSON object");
                }
                Parsed r = object(inner);
                if (inner.nextToken() != null) {
                    return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS,
                            "CloudTrailEvent holds more than one JSON value");
                }
                if (r.kind != Kind.RECORD) {
                    return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS,
                            r.problem != null ? r.problem : "CloudTrailEvent holds no CloudTrail record");
                }
                if (r.problem != null) {
                    return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS, r.problem);
                }
                return new Parsed(Kind.RECORD, item.fallbacks(r.record()), RecordShape.LOOKUP_EVENTS, null);
            } catch (JsonProcessingException e) {
                JsonLocation l = e.getLocation();
                return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS, "CloudTrailEvent is not valid JSON"
                        + (l == null ? "" : " (at character " + l.getCharOffset() + " of the string)") + ": "
                        + e.getOriginalMessage());
            } catch (IOException e) {
                return new Parsed(Kind.RECORD, null, RecordShape.LOOKUP_EVENTS, "cannot read CloudTrailEvent: " + describe(e));
            }
        }

    }

    /** The result of parsing one object. */
    private static final class Parsed {
        static final Parsed CONTAINER = new Parsed(Kind.CONTAINER, null, null, null);
        final Kind kind;
        private final @Nullable CloudTrailRecord record;
        final @Nullable RecordShape shape;
        final @Nullable String problem;

        /** A {@link Kind#RECORD} without a problem has its record; any other has none or a problem. */
        Parsed(Kind kind, @Nullable CloudTrailRecord record, @Nullable RecordShape shape, @Nullable String problem) {
            if (kind == Kind.RECORD && problem == null && record == null) {
                throw new IllegalArgumentException("a record without a problem needs its record");
            }
            this.kind = kind;
            this.record = record;
            this.shape = shape;
            this.problem = problem;
        }

        /** The record of a {@link Kind#RECORD} without a problem (the constructor made sure it is there). */
        CloudTrailRecord record() {
            return Objects.requireNonNull(record, "only a record without a problem has its record");
        }
    }

    /** The fields of one object, collected while streaming over it. */
    private static final class Fields {
        @Nullable String eventId;
        @Nullable String eventTimeText;
        java.time.@Nullable Instant eventTime;
        @Nullable String eventSource;
        @Nullable String eventName;
        @Nullable String awsRegion;
        @Nullable String sourceIp;
        @Nullable String userAgent;
        @Nullable String errorCode;
        @Nullable String errorMessage;
        @Nullable String requestId;
        @Nullable String eventType;
        @Nullable Boolean readOnly;
        @Nullable String recipientAccountId;
        @Nullable UserIdentity userIdentity;
        @Nullable RequestParameters requestParameters;
        boolean recordish;
        // LookupEvents item fields (fallbacks for a CloudTrailEvent without them)
        boolean lookupItem;
        @Nullable String itemEventId;
        java.time.@Nullable Instant itemEventTime;
        @Nullable String itemEventName;
        @Nullable String itemEventSource;
        @Nullable String itemAccessKeyId;
        @Nullable String itemUsername;
        // EventBridge envelope fields
        boolean envelope;
        java.time.@Nullable Instant envelopeTime;
        @Nullable String envelopeRegion;
        @Nullable String envelopeAccount;

        void field(JsonParser p, String name, JsonToken v) throws IOException, WrongType {
            switch (name) {
                case "eventID":
                    eventId = text(p, v, name);
                    recordish = true;
                    break;
                case "eventTime":
                    recordish = true;
                    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        eventTime = CloudTrailTimes.epochSeconds(p.getDoubleValue());
                    } else {
                        eventTimeText = text(p, v, name);
                        eventTime = CloudTrailTimes.parse(eventTimeText);
                    }
                    break;
                case "eventSource":
                    eventSource = text(p, v, name);
                    recordish = true;
                    break;
                case "eventName":
                    eventName = text(p, v, name);
                    recordish = true;
                    break;
                case "awsRegion":
                    awsRegion = text(p, v, name);
                    break;
                case "sourceIPAddress":
                    sourceIp = text(p, v, name);
                    break;
                case "userAgent":
                    userAgent = text(p, v, name);
                    break;
                case "errorCode":
                    errorCode = text(p, v, name);
                    break;
                case "errorMessage":
                    errorMessage = text(p, v, name);
                    break;
                case "requestID":
                    requestId = text(p, v, name);
                    break;
                case "eventType":
                    eventType = text(p, v, name);
                    break;
                case "readOnly":
                    readOnly = bool(p, v, name);
                    break;
                case "recipientAccountId":
                    recipientAccountId = text(p, v, name);
                    break;
                case "requestParameters":
                    requestParameters = v == JsonToken.START_OBJECT ? requestParameters(p) : null;
                    if (v != JsonToken.START_OBJECT) {
                        p.skipChildren();
                    }
                    break;
                case "userIdentity":
                    recordish = true;
                    if (v == JsonToken.START_OBJECT) {
                        userIdentity = identity(p);
                    } else if (v != JsonToken.VALUE_NULL) {
                        p.skipChildren();
                        throw new WrongType("userIdentity is " + describe(v) + ", expected an object");
                    }
                    break;
                // LookupEvents item
                case "EventId":
                    itemEventId = text(p, v, name);
                    lookupItem = true;
                    break;
                case "EventTime":
                    lookupItem = true;
                    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                        itemEventTime = CloudTrailTimes.epochSeconds(p.getDoubleValue());
                    } else {
                        itemEventTime = CloudTrailTimes.parse(text(p, v, name));
                    }
                    break;
                case "EventName":
                    itemEventName = text(p, v, name);
                    break;
                case "EventSource":
                    itemEventSource = text(p, v, name);
                    break;
                case "AccessKeyId":
                    itemAccessKeyId = text(p, v, name);
                    break;
                case "Username":
                    itemUsername = text(p, v, name);
                    break;
                // EventBridge envelope
                case "time":
                    envelope = true;
                    envelopeTime = CloudTrailTimes.parse(text(p, v, name));
                    break;
                case "region":
                    envelopeRegion = text(p, v, name);
                    break;
                case "account":
                    envelopeAccount = text(p, v, name);
                    break;
                case "version":
                case "id":
                case "source":
                    envelope = true;
                    p.skipChildren();
                    break;
                default:
                    p.skipChildren();
                    break;
            }
        }

        boolean looksLikeRecord() {
            return recordish;
        }

        CloudTrailRecord record() {
            return new CloudTrailRecord(eventId, eventTime, eventSource, eventName, awsRegion, sourceIp, userAgent,
                    errorCode, errorMessage, requestId, eventType, readOnly, recipientAccountId, userIdentity,
                    requestParameters);
        }

        /** The inner record with this item's or envelope's values where the record lacks them. */
        CloudTrailRecord fallbacks(CloudTrailRecord r) {
            String id = r.eventId() != null ? r.eventId() : itemEventId;
            java.time.Instant time = r.eventTime() != null ? r.eventTime()
                    : itemEventTime != null ? itemEventTime : envelopeTime;
            String src = r.eventSource() != null ? r.eventSource() : itemEventSource;
            String name = r.eventName() != null ? r.eventName() : itemEventName;
            String region = r.awsRegion() != null ? r.awsRegion() : envelopeRegion;
            String recipient = r.recipientAccountId() != null ? r.recipientAccountId() : envelopeAccount;
            UserIdentity ui = r.userIdentity();
            if ((ui == null || ui.accessKeyId() == null) && itemAccessKeyId != null && !itemAccessKeyId.isEmpty()) {
                ui = ui == null
                        ? new UserIdentity(null, null, null, null, itemAccessKeyId, itemUsername, null, null, null)
                        : new UserIdentity(ui.type(), ui.principalId(), ui.arn(), ui.accountId(), itemAccessKeyId,
                        ui.userName(), ui.invokedBy(), ui.sessionIssuer(), ui.sessionCreated());
            }
            if (id == r.eventId() && time == r.eventTime() && src == r.eventSource() && name == r.eventName()
                    && region == r.awsRegion() && recipient == r.recipientAccountId() && ui == r.userIdentity()) {
                return r;
            }
            return new CloudTrailRecord(id, time, src, name, region, r.sourceIpAddress(), r.userAgent(), r.errorCode(),
                    r.errorMessage(), r.requestId(), r.eventType(), r.readOnly(), recipient, ui, r.requestParameters());
        }
    }

    /**
     * The user and policy names directly inside {@code requestParameters} (the parser is at its opening brace; it is
     * left at the closing one), or null when it has none: string values only, anything else read as absent, the
     * last of a name given twice kept.
     */
    private static @Nullable RequestParameters requestParameters(JsonParser p) throws IOException {
        String userName = null;
        String policyArn = null;
        String policyName = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING) {
                switch (name) {
                    case "userName": userName = p.getText(); break;
                    case "policyArn": policyArn = p.getText(); break;
                    case "policyName": policyName = p.getText(); break;
                    default: break;
                }
            } else {
                p.skipChildren();
            }
        }
        if (t == null) {
            throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in requestParameters");
        }
        RequestParameters r = new RequestParameters(userName, policyArn, policyName);
        return r.isEmpty() ? null : r;
    }

    private static UserIdentity identity(JsonParser p) throws IOException, WrongType {
        String type = null;
        String principalId = null;
        String arn = null;
        String accountId = null;
        String accessKeyId = null;
        String userName = null;
        String invokedBy = null;
        SessionIssuer issuer = null;
        java.time.Instant created = null;
        WrongType wrong = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t == null) {
                throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in userIdentity");
            }
            String name = p.currentName();
            JsonToken v = p.nextToken();
            try {
                switch (name) {
                    case "type": type = text(p, v, "userIdentity.type"); break;
                    case "principalId": principalId = text(p, v, "userIdentity.principalId"); break;
                    case "arn": arn = text(p, v, "userIdentity.arn"); break;
                    case "accountId": accountId = text(p, v, "userIdentity.accountId"); break;
                    case "accessKeyId":
                        accessKeyId = text(p, v, "userIdentity.accessKeyId");
                        if (accessKeyId != null && accessKeyId.isEmpty()) {
                            accessKeyId = null;
                        }
                        break;
                    case "userName": userName = text(p, v, "userIdentity.userName"); break;
                    case "invokedBy": invokedBy = text(p, v, "userIdentity.invokedBy"); break;
                    case "sessionContext":
                        if (v == JsonToken.START_OBJECT) {
                            Object[] sc = sessionContext(p);
                            issuer = (SessionIssuer) sc[0];
                            created = (java.time.Instant) sc[1];
                        } else if (v != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            throw new WrongType("userIdentity.sessionContext is " + describe(v) + ", expected an object");
                        }
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            } catch (WrongType e) {
                if (wrong == null) {
                    wrong = e;
                }
            }
        }
        if (wrong != null) {
            throw wrong;
        }
        return new UserIdentity(type, principalId, arn, accountId, accessKeyId, userName, invokedBy, issuer, created);
    }

    private static Object[] sessionContext(JsonParser p) throws IOException, WrongType {
        SessionIssuer issuer = null;
        java.time.Instant created = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t == null) {
                throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in sessionContext");
            }
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("sessionIssuer") && v == JsonToken.START_OBJECT) {
                String type = null;
                String principalId = null;
                String arn = null;
                String accountId = null;
                String userName = null;
                for (JsonToken u = p.nextToken(); u != JsonToken.END_OBJECT; u = p.nextToken()) {
                    if (u == null) {
                        throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in sessionIssuer");
                    }
                    String n = p.currentName();
                    JsonToken w = p.nextToken();
                    switch (n) {
                        case "type": type = text(p, w, "sessionIssuer.type"); break;
                        case "principalId": principalId = text(p, w, "sessionIssuer.principalId"); break;
                        case "arn": arn = text(p, w, "sessionIssuer.arn"); break;
                        case "accountId": accountId = text(p, w, "sessionIssuer.accountId"); break;
                        case "userName": userName = text(p, w, "sessionIssuer.userName"); break;
                        default: p.skipChildren(); break;
                    }
                }
                SessionIssuer si = new SessionIssuer(type, principalId, arn, accountId, userName);
                issuer = si.isEmpty() ? null : si;
            } else if (name.equals("attributes") && v == JsonToken.START_OBJECT) {
                for (JsonToken u = p.nextToken(); u != JsonToken.END_OBJECT; u = p.nextToken()) {
                    if (u == null) {
                        throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "unexpected end of input in attributes");
                    }
                    String n = p.currentName();
                    JsonToken w = p.nextToken();
                    if (n.equals("creationDate") && w == JsonToken.VALUE_STRING) {
                        created = CloudTrailTimes.parse(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new Object[] {issuer, created};
    }

    /** A scalar as text ({@code null} for JSON null); an object or array is the wrong type. */
    private static @Nullable String text(JsonParser p, JsonToken v, String name) throws IOException, WrongType {
        switch (v) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                return p.getText();
            default:
                p.skipChildren();
                throw new WrongType(name + " is " + describe(v) + ", expected a string");
        }
    }

    private static @Nullable Boolean bool(JsonParser p, JsonToken v, String name) throws IOException, WrongType {
        switch (v) {
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_STRING:
                String s = p.getText();
                return "true".equalsIgnoreCase(s) ? Boolean.TRUE : "false".equalsIgnoreCase(s) ? Boolean.FALSE : null;
            case VALUE_NULL:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return null;
            default:
                p.skipChildren();
                throw new WrongType(name + " is " + describe(v) + ", expected a boolean");
        }
    }

    private static String describe(@Nullable JsonToken t) {
        if (t == null) {
            return "the end of input";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.asString() == null ? t.name() : "'" + t.asString() + "'";
        }
    }

    /**
     * Where parsing starts: the real bytes from {@code offset} (at {@code line} and {@code column}) on, after a stand-in
     * {@code prefix} that puts the parser where those bytes are in the source's structure (inside the {@code Records}
     * array of a top-level object, say). {@code skipFirstElement}: the prefix ends with a stand-in element;
     * {@code sameRoot}: the prefix opens a top-level value already counted.
     */
    private record Start(String prefix, boolean skipFirstElement, boolean sameRoot, long offset, long line, long column) {
        static final Start TOP = new Start("", false, false, 0, 1, 1);
    }

    /** Jackson's message without the positions it gives relative to its own input (ours are in the problem). */
    static @Nullable String clean(@Nullable String message) {
        if (message == null) {
            return null;
        }
        return message.replaceAll(" \\((?:for [A-Za-z]+ starting|start marker) at \\[Source: [^\\]]*\\]\\)", "");
    }

    /** A stream that fails as the source did when the fast path read it. */
    private static final class Failing extends InputStream {
        private final IOException failure;

        Failing(IOException failure) {
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            throw failure;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            throw failure;
        }
    }

    /**
     * The decompressed byte stream the parser reads: it shows every byte to the {@link Framer} once, knows the offset
     * of the next byte it returns, and takes back bytes the parser had buffered (so that reading can resume after
     * invalid JSON from there).
     */
    private static final class Resumable extends InputStream {
        private static final byte[] NONE = new byte[0];
        private final InputStream in;
        private final Framer framer;
        private byte[] back = NONE;
        private int backPos;
        private long position;

        Resumable(InputStream in, Framer framer, long position) {
            this.in = in;
            this.framer = framer;
            this.position = position;
        }

        /** The offset in the source of the next byte this stream returns. */
        long position() {
            return position;
        }

        /** Puts {@code b[off, off+len)}, bytes read from this stream just before, back in front of what is left. */
        void pushBack(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            int left = back.length - backPos;
            byte[] merged = new byte[len + left];
            System.arraycopy(b, off, merged, 0, len);
            System.arraycopy(back, backPos, merged, len, left);
            back = merged;
            backPos = 0;
            position -= len;
        }

        /** Reads and discards up to offset {@code to}, in blocks. */
        void skipTo(long to) throws IOException {
            byte[] block = new byte[(int) Math.min(8192, Math.max(1, to - position))];
            while (position < to) {
                if (read(block, 0, (int) Math.min(block.length, to - position)) < 0) {
                    return;
                }
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (backPos < back.length) {
                int n = Math.min(len, back.length - backPos);
                System.arraycopy(back, backPos, buf, off, n);
                backPos += n;
                position += n;
                if (backPos == back.length) {
                    back = NONE;
                    backPos = 0;
                }
                return n;
            }
            int n = in.read(buf, off, len);
            if (n > 0) {
                framer.feed(buf, off, n);
                position += n;
            }
            return n;
        }
    }
}
