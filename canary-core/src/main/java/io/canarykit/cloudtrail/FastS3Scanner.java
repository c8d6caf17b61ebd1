package io.canarykit.cloudtrail;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The reader's fast path for S3 log files {@code {"Records":[…]}} read with a {@link RecordFilter}: it checks every
 * record against the JSON grammar byte by byte, without decoding it, and hands to Jackson only the records that might
 * be wanted or that the general reader would treat in any special way ("candidates"): a watched access key id or ARN,
 * an escape or a non-ASCII byte in a key or a watched value, a field detection reads with a value of the wrong type, a
 * record without any record field, the keys of other shapes. Every other record is one Jackson would read as a valid,
 * unwanted record, so it is only counted.
 *
 * <p>Anything unusual in the file's structure (another top-level shape, invalid JSON, a truncated stream, content after
 * the {@code Records} object, a record too large) stops it where it is, at a record boundary it knows ({@link At}):
 * the general reader then goes on from there, with the bytes the fast path still holds and the rest of the stream
 * (nothing is read twice), and reports the problem exactly as it would have reading from the start. The fast path is
 * therefore only ever an optimisation of the general reader, never a second definition of what is valid.
 *
 * <p>Not thread-safe; one instance reads one stream.
 */
final class FastS3Scanner {
    /** Stop and let the general reader do it. */
    static final class Fallback extends Exception {
        private static final long serialVersionUID = 1L;

        Fallback(String why) {
            super(why, null, false, false);
        }
    }

    /** What the scanner hands over. */
    interface Sink {
        /** A record that needs the general parser: {@code b[off, off+len)}, starting at that absolute position. */
        void candidate(byte[] b, int off, int len, long offset, long line, long column) throws Fallback;

        /**
         * A candidate record already decoded ({@link RecordDecoder}): {@code wanted} is the record if the filter wants
         * it, else null (a valid record nobody wants). By default, handled as any other candidate.
         */
        default void decoded(@Nullable CloudTrailRecord wanted, byte[] b, int off, int len, long offset, long line, long column)
                throws Fallback {
            candidate(b, off, len, offset, line, column);
        }

        /** A valid record nobody wants. */
        void plain();
    }

    /** How the run ended. */
    enum Outcome {
        /** The whole source was read. */
        DONE,
        /** The source does not start as an S3 log file: the general reader reads it from the start. */
        NOT_S3,
        /** Stopped at {@link #stoppedAt()}: the general reader goes on from there. */
        STOPPED
    }

    /** Where in the S3 log file's structure the scanner stopped. */
    enum At {
        /** Right after the {@code [} of the Records array: an element or {@code ]} follows. */
        FIRST,
        /** After a comma between records: an element follows. */
        NEXT,
        /** Right after a record: a comma or {@code ]} follows. */
        AFTER,
        /** After the {@code ]} of the Records array: the rest of the top-level object follows. */
        AFTER_ARRAY,
        /** After the top-level object. */
        AFTER_ROOT
    }

    private static final int NEED_MORE = -1;
    /** {@link #quickRecord} leaves the record to {@link #scanRecord}. */
    static final int BAIL = -2;
    /** The deepest nesting {@link #quickRecord} follows (a bit per level in a long). */
    private static final int QUICK_DEPTH = 62;
    /** The bytes kept in the buffer ahead of a record before the quick check reads it. */
    private static final int QUICK_WINDOW = 32 << 10;
    /** Bytes kept free after the end of the input in the buffer: a sentinel and the rest of a word read with it. */
    private static final int SLACK = 8;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;
    /** The low {@code n} bytes of a word, for {@code n} from 0 to 8. */
    private static final long[] MASKS = {0, 0xFFL, 0xFFFFL, 0xFFFFFFL, 0xFFFFFFFFL, 0xFFFFFFFFFFL, 0xFFFFFFFFFFFFL,
            0xFFFFFFFFFFFFFFL, -1L};
    private static final int MIN_NAME = 2;
    private static final int MAX_NAME = 24;
    private static final int MAX_DEPTH = 512;
    // what the value after a key is checked for
    private static final int K_NONE = 0;
    private static final int K_SCALAR = 1;
    private static final int K_WATCH_KEY = 2;
    private static final int K_WATCH_ARN = 3;
    private static final int K_USER_IDENTITY = 4;
    private static final int K_OBJECT_OR_NULL = 5;
    private static final int K_WATCH_USER = 6; // a userName below the record: a watched IAM user's name makes it wanted

    private static final byte[] RECORDS = bytes("Records");

    // what a field name is to the general reader
    private static final int C_NONE = 0;
    private static final int C_WATCH_KEY = 1;
    private static final int C_WATCH_ARN = 2;
    private static final int C_USER_IDENTITY = 3;
    private static final int C_RECORDISH = 4;
    private static final int C_RECORD_SCALAR = 5;
    private static final int C_OTHER_SHAPE = 6;
    private static final int C_IDENTITY_SCALAR = 7;
    private static final int C_SESSION_CONTEXT = 8;
    private static final int C_REQUEST_PARAMETERS = 9; // nothing to the scan; told apart for RecordDecoder
    private static final int C_WATCH_USER = 10; // not in the table: "userName" below the record, outside userIdentity
    /** "userName" as a little-endian word. */
    private static final long USER_NAME_WORD = (long) LONGS.get(bytes("userName"), 0);
    private static final byte[][] NAMES;
    private static final int[] CODES;
    /**
     * The names by slot: a name's slot is {@link #slot} of its first eight bytes and its length, and the multiplier
     * {@link #SLOT_MULTIPLIER} is chosen (when the class loads) so that no two names share one. A field name is then
     * told apart with one table look-up and at most three eight-byte comparisons.
     */
    private static final byte[] SLOTS = new byte[256];
    private static final long SLOT_MULTIPLIER;
    private static final int[] LENGTHS;
    private static final long[] FIRST_WORDS;
    private static final long[] SECOND_WORDS;
    private static final long[] LAST_WORDS;

    static {
        Object[][] names = {
                {"accessKeyId", C_WATCH_KEY}, {"arn", C_WATCH_ARN}, {"userIdentity", C_USER_IDENTITY},
                // read from a record (the ones that make an object a record first)
                {"eventID", C_RECORDISH}, {"eventTime", C_RECORDISH}, {"eventSource", C_RECORDISH},
                {"eventName", C_RECORDISH},
                {"awsRegion", C_RECORD_SCALAR}, {"sourceIPAddress", C_RECORD_SCALAR}, {"userAgent", C_RECORD_SCALAR},
                {"errorCode", C_RECORD_SCALAR}, {"errorMessage", C_RECORD_SCALAR}, {"requestID", C_RECORD_SCALAR},
                {"eventType", C_RECORD_SCALAR}, {"readOnly", C_RECORD_SCALAR}, {"recipientAccountId", C_RECORD_SCALAR},
                {"requestParameters", C_REQUEST_PARAMETERS},
                // keys that make the general reader read an object as another shape
                {"Records", C_OTHER_SHAPE}, {"Events", C_OTHER_SHAPE}, {"detail", C_OTHER_SHAPE},
                {"detail-type", C_OTHER_SHAPE}, {"CloudTrailEvent", C_OTHER_SHAPE}, {"EventId", C_OTHER_SHAPE},
                {"EventTime", C_OTHER_SHAPE}, {"EventName", C_OTHER_SHAPE}, {"EventSource", C_OTHER_SHAPE},
                {"AccessKeyId", C_OTHER_SHAPE}, {"Username", C_OTHER_SHAPE}, {"time", C_OTHER_SHAPE},
                {"region", C_OTHER_SHAPE}, {"account", C_OTHER_SHAPE}, {"version", C_OTHER_SHAPE}, {"id", C_OTHER_SHAPE},
                {"source", C_OTHER_SHAPE},
                // read from a userIdentity (and its session issuer)
                {"type", C_IDENTITY_SCALAR}, {"principalId", C_IDENTITY_SCALAR}, {"accountId", C_IDENTITY_SCALAR},
                {"userName", C_IDENTITY_SCALAR}, {"invokedBy", C_IDENTITY_SCALAR}, {"sessionContext", C_SESSION_CONTEXT},
        };
        NAMES = new byte[names.length][];
        CODES = new int[names.length + 1];
        LENGTHS = new int[names.length + 1];
        FIRST_WORDS = new long[names.length + 1];
        SECOND_WORDS = new long[names.length + 1];
        LAST_WORDS = new long[names.length + 1];
        // the last entry fills empty slots: no name's first word is all ones (names are ASCII)
        LENGTHS[names.length] = -1;
        FIRST_WORDS[names.length] = -1L;
        for (int i = 0; i < names.length; i++) {
            byte[] n = bytes((String) names[i][0]);
            if (n.length < MIN_NAME || n.length > MAX_NAME) {
                throw new ExceptionInInitializerError("name length out of range: " + names[i][0]);
            }
            NAMES[i] = n;
            CODES[i] = (Integer) names[i][1];
            byte[] padded = Arrays.copyOf(n, 24);
            LENGTHS[i] = n.length;
            FIRST_WORDS[i] = (long) LONGS.get(padded, 0) & MASKS[Math.min(n.length, 8)];
            SECOND_WORDS[i] = n.length > 16 ? (long) LONGS.get(padded, 8) : 0;
            LAST_WORDS[i] = n.length > 8 ? (long) LONGS.get(n, n.length - 8) : 0;
        }
        long multiplier = 0x9E3779B97F4A7C15L;
        search:
        while (true) {
            Arrays.fill(SLOTS, (byte) NAMES.length);
            for (int i = 0; i < NAMES.length; i++) {
                int s = slot(FIRST_WORDS[i], NAMES[i].length, multiplier);
                if (SLOTS[s] != NAMES.length) {
                    multiplier += 0x2545F4914F6CDD1DL; // another odd multiplier
                    continue search;
                }
                SLOTS[s] = (byte) i;
            }
            break;
        }
        SLOT_MULTIPLIER = multiplier;
    }

    /** The names the scanner tells apart, and for a field name {@link #classify}'s code (0: none of them). */
    static List<String> names() {
        List<String> out = new ArrayList<>();
        for (byte[] n : NAMES) {
            out.add(new String(n, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** {@link #classify} of {@code name} (ASCII), as it would be read from the middle of a buffer. */
    static int classify(String name) {
        byte[] b = new byte[name.length() + 64];
        Arrays.fill(b, (byte) 'x');
        b[15] = '"';
        System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, b, 16, name.length());
        b[16 + name.length()] = '"';
        return classify(b, 16, name.length());
    }

    private static int slot(long firstWord, int len, long multiplier) {
        return (int) (((firstWord ^ len) * multiplier) >>> 56);
    }

    /**
     * What the field name {@code b[from, from+len)} is ({@code C_…}). Reads whole words from {@code from}, which the
     * buffer's slack allows for any name that ends inside it.
     */
    static int classify(byte[] b, int from, int len) {
        // without a branch that depends on the name (none that a rare name could take for the first time and so make
        // the JIT compile the scan again): an empty slot holds a name nothing matches
        long first = (long) LONGS.get(b, from) & MASKS[Math.min(len, 8)];
        int k = SLOTS[slot(first, len, SLOT_MULTIPLIER)];
        long last = len > 8 ? (long) LONGS.get(b, from + len - 8) : 0L;
        long second = len > 16 ? (long) LONGS.get(b, from + 8) : 0L;
        boolean same = LENGTHS[k] == len & FIRST_WORDS[k] == first & LAST_WORDS[k] == last & SECOND_WORDS[k] == second;
        return same ? CODES[k] : C_NONE;
    }

    private final InputStream in;
    private final Workspace ws;
    private final RecordFilter filter;
    private final Sink sink;
    private final int maxRecordBytes;
    private final boolean quick;
    private final RecordDecoder decoder;
    private long quickRecords;

    /**
     * The input read so far: {@code buf[end]} is always a zero byte (a sentinel that ends every scan of string bytes)
     * and {@link #SLACK} bytes from {@code end} on are inside the array. The workspace's buffer (256 KB, under a G1
     * region's humongous threshold); it grows for larger records.
     */
    private byte[] buf;
    private int pos;
    private int end;
    private long base; // absolute offset of buf[0]
    private boolean eof;
    private long line = 1;
    private long lineStart; // absolute offset of the current line's first byte
    private At at = At.FIRST;
    private @Nullable String stopReason;
    private @Nullable IOException failure;

    // per-record results of scanRecord
    private boolean candidate;
    private int newlines;
    private int lastNewline;
    private final boolean[] isObject = new boolean[MAX_DEPTH + 1];

    /** Reads {@code in} (decompressed bytes) with the buffer of {@code ws}, which it may grow. */
    FastS3Scanner(InputStream in, Workspace ws, RecordFilter filter, Sink sink, int maxRecordBytes) {
        this(in, ws, filter, sink, maxRecordBytes, true);
    }

    /** With {@code quick} false, every record goes through {@link #scanRecord} (for tests of {@link #quickRecord}). */
    FastS3Scanner(InputStream in, Workspace ws, RecordFilter filter, Sink sink, int maxRecordBytes, boolean quick) {
        this.in = in;
        this.ws = ws;
        this.buf = ws.scan;
        this.filter = filter;
        this.sink = sink;
        this.maxRecordBytes = maxRecordBytes;
        this.quick = quick;
        this.decoder = ws.decoder(filter);
        buf[0] = 0;
    }

    /** How many records {@link #quickRecord} took. */
    long quickRecords() {
        return quickRecords;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes consumed so far. */
    long consumed() {
        return base + pos;
    }

    /** Where it stopped ({@link Outcome#STOPPED}). */
    At stoppedAt() {
        return at;
    }

    /** Why it stopped ({@link Outcome#STOPPED}). */
    @Nullable String stopReason() {
        return stopReason;
    }

    /** What reading the input threw when it stopped, or null: the general reader meets it after the held bytes. */
    @Nullable IOException failure() {
        return failure;
    }

    /** The buffer; after a stop, {@code buffer()[pending(), end())} are the bytes read but not yet consumed. */
    byte[] buffer() {
        return buf;
    }

    /** Where the unconsumed bytes start in {@link #buffer()} (after {@link Outcome#NOT_S3}: all bytes still held). */
    int pending() {
        return pos;
    }

    /** Where the bytes read end in {@link #buffer()}. */
    int end() {
        return end;
    }

    /** The line of the first unconsumed byte. */
    long line() {
        return line;
    }

    /** The absolute offset of the first byte of the line of the first unconsumed byte. */
    long lineStart() {
        return lineStart;
    }

    /**
     * Reads the source as an S3 log file. Never throws for what the source holds: a problem stops it (see
     * {@link Outcome}); reading the input may still fail with an {@link IOException}, which is recorded the same way.
     */
    Outcome run() {
        try {
            return scan();
        } catch (Fallback f) {
            stopReason = f.getMessage();
            return Outcome.STOPPED;
        } catch (IOException e) {
            failure = e;
            stopReason = "cannot read on: " + e;
            if (notS3) {
                pos = 0;
                return Outcome.NOT_S3;
            }
            return Outcome.STOPPED;
        }
    }

    private boolean notS3 = true; // until the prefix is read

    private Outcome scan() throws IOException, Fallback {
        // {"Records":[
        if (!expectPrefix()) {
            pos = 0;
            return Outcome.NOT_S3;
        }
        notS3 = false;
        at = At.FIRST;
        boolean first = true;
        while (true) {
            int c = nextNonWs();
            if (c == ']') {
                pos++;
                at = At.AFTER_ARRAY;
                break;
            }
            if (!first) {
                if (c != ',') {
                    throw new Fallback("expected ',' or ']' between records");
                }
                pos++;
                at = At.NEXT;
                c = nextNonWs();
            }
            if (c != '{') {
                throw new Fallback("an array element that is not an object");
            }
            if (quick && end - pos < QUICK_WINDOW && !eof) {
                // keep a window ahead, so that the quick check meets the end of the buffer only in huge records
                pos = compact(pos);
                while (end < QUICK_WINDOW && !eof) {
                    fill();
                }
            }
            int r = quick ? quickRecord(pos) : BAIL;
            boolean decoded = false;
            if (r == BAIL && quick) {
                r = decoder.decode(buf, pos, end); // a record with a watched value, most likely: decoded at once
                decoded = r != BAIL;
            }
            if (r == BAIL) {
                r = scanRecordAt(pos);
                while (r == NEED_MORE) {
                    if (eof) {
                        throw new Fallback("input ends inside a record");
                    }
                    int kept = compact(pos);
                    pos = kept;
                    if (end - pos >= maxRecordBytes) {
                        throw new Fallback("a record larger than " + maxRecordBytes + " bytes");
                    }
                    fill();
                    r = scanRecordAt(pos);
                }
            } else {
                candidate = false;
                newlines = 0;
                if (!decoded) {
                    quickRecords++;
                }
            }
            if (decoded) {
                long offset = base + pos;
                sink.decoded(decoder.record(), buf, pos, r - pos, offset, line, offset - lineStart + 1);
            } else if (candidate) {
                long offset = base + pos;
                sink.candidate(buf, pos, r - pos, offset, line, offset - lineStart + 1);
            } else {
                sink.plain();
            }
            if (newlines > 0) {
                line += newlines;
                lineStart = base + lastNewline + 1;
            }
            pos = r;
            at = At.AFTER;
            first = false;
        }
        if (nextNonWs() != '}') {
            throw new Fallback("more than Records in the top-level object");
        }
        pos++;
        at = At.AFTER_ROOT;
        if (nextNonWs() != -1) {
            throw new Fallback("content after the Records object");
        }
        return Outcome.DONE;
    }

    private boolean expectPrefix() throws IOException {
        fill();
        if (nextNonWs() != '{') {
            return false;
        }
        pos++;
        if (nextNonWs() != '"') {
            return false;
        }
        ensure(pos + RECORDS.length + 2);
        if (end - pos < RECORDS.length + 2 || !Arrays.equals(buf, pos + 1, pos + 1 + RECORDS.length, RECORDS, 0, RECORDS.length)
                || buf[pos + 1 + RECORDS.length] != '"') {
            return false;
        }
        pos += RECORDS.length + 2;
        if (nextNonWs() != ':') {
            return false;
        }
        pos++;
        if (nextNonWs() != '[') {
            return false;
        }
        pos++;
        return true;
    }

    /** The next non-whitespace byte (not consumed), or -1 at the end of input; counts lines. */
    private int nextNonWs() throws IOException {
        while (true) {
            if (pos >= end) {
                if (eof) {
                    return -1;
                }
                if (!notS3) {
                    pos = compact(pos);
                } else if (end >= QUICK_WINDOW) {
                    return -2; // before the prefix is known, everything read is kept for the general reader: no more
                }
                fill();
                continue;
            }
            byte c = buf[pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\n') {
                line++;
                lineStart = base + pos + 1;
                pos++;
            } else {
                return c & 0xff;
            }
        }
    }

    private void ensure(int upTo) throws IOException {
        while (end < upTo && !eof) {
            fill();
        }
    }

    /** Moves {@code buf[from, end)} to the start; returns the new index of {@code from}. */
    private int compact(int from) {
        if (from > 0) {
            System.arraycopy(buf, from, buf, 0, end - from);
            base += from;
            end -= from;
            buf[end] = 0;
        }
        return 0;
    }

    /** Reads more input, growing the buffer when it is full; keeps the sentinel after the end. */
    private void fill() throws IOException {
        if (end >= buf.length - SLACK) {
            buf = Arrays.copyOf(buf, (buf.length - SLACK) * 2 + SLACK);
            ws.scan = buf; // put back to its usual size when the workspace is released
        }
        int n = in.read(buf, end, buf.length - SLACK - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
            buf[end] = 0;
        }
    }

    /**
     * Checks one record object starting at {@code buf[i] == '{'}: returns the index after its closing brace, or
     * {@link #NEED_MORE} if the buffer ends first. Sets {@link #candidate}, {@link #newlines}, {@link #lastNewline}.
     */
    private int scanRecord(int i) throws Fallback {
        final byte[] b = buf;
        final int limit = end;
        boolean cand = false;
        boolean recordish = false;
        int nl = 0;
        int lastNl = -1;
        int depth = 1;
        isObject[1] = true;
        int identityDepth = -1; // depth of the userIdentity object's members, while inside it
        int kind = K_NONE;
        // states: 0 = key or '}' (first), 1 = key, 2 = ':', 3 = value, 4 = value or ']' (first), 5 = ',' or close
        int state = 0;
        i++;
        while (true) {
            if (i >= limit) {
                return NEED_MORE;
            }
            byte c = b[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (c == '\n') {
                    nl++;
                    lastNl = i;
                }
                i++;
                continue;
            }
            switch (state) {
                case 0:
                case 1: {
                    if (c == '}' && state == 0) {
                        i++;
                        depth--;
                        if (depth < identityDepth) {
                            identityDepth = -1;
                        }
                        if (depth == 0) {
                            return finish(i, cand, recordish, nl, lastNl);
                        }
                        state = 5;
                        break;
                    }
                    if (c != '"') {
                        throw new Fallback("expected a field name");
                    }
                    int ks = i + 1;
                    int j = ks;
                    boolean plainKey = true;
                    while (true) {
                        j = plainRun(b, j, limit);
                        if (j >= limit) {
                            return NEED_MORE;
                        }
                        byte x = b[j];
                        if (x == '"') {
                            break;
                        }
                        plainKey = false;
                        j = escapeOrByte(b, j, limit);
                        if (j < 0) {
                            return NEED_MORE;
                        }
                    }
                    int ke = j;
                    i = j + 1;
                    kind = K_NONE;
                    if (!plainKey) {
                        cand = true;
                    } else {
                        int len = ke - ks;
                        int code;
                        if (depth == 1 || identityDepth > 0 && depth >= identityDepth) {
                            code = classify(b, ks, len);
                        } else if (len == 3) {
                            code = b[ks] == 'a' && b[ks + 1] == 'r' && b[ks + 2] == 'n' ? C_WATCH_ARN : C_NONE;
                        } else if (len == 11) {
                            code = classify(b, ks, len) == C_WATCH_KEY ? C_WATCH_KEY : C_NONE;
                        } else if (len == 8) {
                            code = (long) LONGS.get(b, ks) == USER_NAME_WORD ? C_WATCH_USER : C_NONE;
                        } else {
                            code = C_NONE; // deeper than the record: only watched values matter there
                        }
                        if (code == C_WATCH_KEY) {
                            kind = K_WATCH_KEY;
                        } else if (code == C_WATCH_ARN) {
                            kind = K_WATCH_ARN;
                        } else if (code == C_WATCH_USER) {
                            kind = K_WATCH_USER;
                        } else if (code != C_NONE) {
                            if (depth == 1) {
                                if (code == C_USER_IDENTITY) {
                                    kind = K_USER_IDENTITY;
                                    recordish = true;
                                } else if (code == C_RECORDISH) {
                                    kind = K_SCALAR;
                                    recordish = true;
                                } else if (code == C_RECORD_SCALAR) {
                                    kind = K_SCALAR;
                                } else if (code == C_OTHER_SHAPE) {
                                    cand = true;
                                }
                            } else if (identityDepth > 0 && depth >= identityDepth) {
                                if (code == C_IDENTITY_SCALAR) {
                                    kind = K_SCALAR;
                                } else if (code == C_SESSION_CONTEXT && depth == identityDepth) {
                                    kind = K_OBJECT_OR_NULL;
                                }
                            }
                        }
                    }
                    state = 2;
                    break;
                }
                case 2:
                    if (c != ':') {
                        throw new Fallback("expected ':'");
                    }
                    i++;
                    state = 3;
                    break;
                case 3:
                case 4: {
                    if (c == ']' && state == 4) {
                        i++;
                        depth--;
                        state = 5;
                        break;
                    }
                    int k = kind;
                    kind = K_NONE;
                    if (c == '"') {
                        int vs = i + 1;
                        int j = vs;
                        boolean plainValue = true;
                        while (true) {
                            j = plainRun(b, j, limit);
                            if (j >= limit) {
                                return NEED_MORE;
                            }
                            if (b[j] == '"') {
                                break;
                            }
                            plainValue = false;
                            if (b[j] < 0) {
                                cand = true; // non-ASCII: let Jackson check the UTF-8
                            }
                            j = escapeOrByte(b, j, limit);
                            if (j < 0) {
                                return NEED_MORE;
                            }
                        }
                        if (k == K_WATCH_KEY || k == K_WATCH_ARN) {
                            if (!plainValue || (k == K_WATCH_KEY ? filter.isKey(b, vs, j) : filter.isArn(b, vs, j))) {
                                cand = true;
                            }
                        } else if (k == K_WATCH_USER) {
                            if (!plainValue || filter.isUserName(b, vs, j)) {
                                cand = true;
                            }
                        } else if (k == K_USER_IDENTITY || k == K_OBJECT_OR_NULL) {
                            cand = true;
                        }
                        i = j + 1;
                        state = 5;
                    } else if (c == '{' || c == '[') {
                        if (k == K_SCALAR || k == K_WATCH_KEY || k == K_WATCH_ARN || k == K_OBJECT_OR_NULL && c == '[') {
                            cand = true;
                        }
                        if (depth == MAX_DEPTH) {
                            throw new Fallback("nested too deep");
                        }
                        depth++;
                        isObject[depth] = c == '{';
                        if (k == K_USER_IDENTITY && c == '{') {
                            identityDepth = depth;
                        } else if (k == K_USER_IDENTITY) {
                            cand = true;
                        }
                        i++;
                        state = c == '{' ? 0 : 4;
                    } else if (c == 't' || c == 'f' || c == 'n') {
                        byte[] lit = c == 't' ? TRUE : c == 'f' ? FALSE : NULL;
                        if (i + lit.length > limit) {
                            return NEED_MORE;
                        }
                        if (!Arrays.equals(b, i, i + lit.length, lit, 0, lit.length)) {
                            throw new Fallback("invalid literal");
                        }
                        if (c != 'n' && (k == K_USER_IDENTITY || k == K_OBJECT_OR_NULL)) {
                            cand = true;
                        }
                        i += lit.length;
                        state = 5;
                    } else if (c == '-' || (c >= '0' && c <= '9')) {
                        int j = number(b, i, limit);
                        if (j == NEED_MORE) {
                            return NEED_MORE;
                        }
                        if (k == K_USER_IDENTITY || k == K_OBJECT_OR_NULL) {
                            cand = true;
                        }
                        i = j;
                        state = 5;
                    } else {
                        throw new Fallback("expected a value");
                    }
                    break;
                }
                default: { // 5: ',' or the end of the current container
                    if (c == ',') {
                        i++;
                        state = isObject[depth] ? 1 : 3;
                    } else if (c == '}' && isObject[depth] || c == ']' && !isObject[depth]) {
                        i++;
                        depth--;
                        if (depth < identityDepth) {
                            identityDepth = -1;
                        }
                        if (depth == 0) {
                            return finish(i, cand, recordish, nl, lastNl);
                        }
                    } else {
                        throw new Fallback("expected ',' or the end of a container");
                    }
                    break;
                }
            }
        }
    }

    /**
     * The common case of {@link #scanRecord}, checked with fewer tests per byte: a record without whitespace, escapes,
     * control or non-ASCII bytes, nested at most {@link #QUICK_DEPTH} deep, entirely in the buffer, that is no
     * candidate. Returns the index after its closing brace, or {@link #BAIL} for anything else (including anything
     * malformed), which {@link #scanRecord} then reads from the start: this method decides nothing that one would decide
     * differently, it only gives up earlier.
     */
    int quickRecord(int start) {
        // Every test below that a byte is what it should be also stops at the sentinel buf[end], so no position is
        // compared with the end of the input: the first byte that is not what the grammar expects ends the check.
        final byte[] b = buf;
        final int limit = end;
        int i = start + 1;
        int depth = 1;
        long level = 2L; // bit depth set: the depth again, as a bit, so that no loop below is a counted loop to C2
        long objects = 2L; // bit d: the container at depth d is an object
        int identityDepth = Integer.MAX_VALUE; // depth of the userIdentity object's members, while inside it
        boolean recordish = false;
        int bail = 0; // 1: a watched value or anything else that is left to the others, found on the way
        member:
        while (true) {
            // a field name
            if (b[i] != '"') {
                return BAIL; // also an empty record: no record field, so a candidate
            }
            int ks = i + 1;
            int j = plainRun(b, ks, limit);
            if (b[j] != '"') {
                return BAIL; // an escape, a control or non-ASCII byte, or the end of the buffer
            }
            int len = j - ks;
            int kind = K_NONE;
            if (depth == 1 || depth >= identityDepth) {
                int code = classify(b, ks, len);
                if (code == C_WATCH_KEY) {
                    kind = K_WATCH_KEY;
                } else if (code == C_WATCH_ARN) {
                    kind = K_WATCH_ARN;
                } else if (code != C_NONE) {
                    if (depth == 1) {
                        if (code == C_USER_IDENTITY) {
                            kind = K_USER_IDENTITY;
                            recordish = true;
                        } else if (code == C_RECORDISH) {
                            kind = K_SCALAR;
                            recordish = true;
                        } else if (code == C_RECORD_SCALAR) {
                            kind = K_SCALAR;
                        } else if (code == C_OTHER_SHAPE) {
                            return BAIL;
                        }
                    } else if (code == C_IDENTITY_SCALAR) {
                        kind = K_SCALAR;
                    } else if (code == C_SESSION_CONTEXT && depth == identityDepth) {
                        kind = K_OBJECT_OR_NULL;
                    }
                }
            } else if (len == 3) {
                if (b[ks] == 'a' && b[ks + 1] == 'r' && b[ks + 2] == 'n') {
                    kind = K_WATCH_ARN;
                }
            } else if (len == 11 && classify(b, ks, len) == C_WATCH_KEY) {
                kind = K_WATCH_KEY;
            } else if (len == 8 && (long) LONGS.get(b, ks) == USER_NAME_WORD) {
                kind = K_WATCH_USER;
            }
            i = j + 1;
            if (b[i] != ':') {
                return BAIL;
            }
            i++;
            value:
            while (true) {
                byte c = b[i];
                if (c == '"') {
                    int vs = i + 1;
                    j = plainRun(b, vs, limit);
                    int escaped = 0;
                    while (b[j] != '"') {
                        if (b[j] != '\\') {
                            return BAIL; // a control or non-ASCII byte (for Jackson to check), or the end of the buffer
                        }
                        j = quickEscape(b, j);
                        if (j < 0) {
                            return BAIL;
                        }
                        escaped = 1;
                        j = plainRun(b, j, limit);
                    }
                    if (kind >= K_WATCH_KEY) {
                        // a watched value (or an escaped one) is added up, not branched on: a sighting then takes the
                        // branches every record takes, and the JIT does not compile this method again at the first
                        int found;
                        if (kind == K_WATCH_KEY) {
                            found = filter.keyBit(b, vs, j);
                        } else if (kind == K_WATCH_ARN) {
                            found = filter.arnBit(b, vs, j);
                        } else if (kind == K_WATCH_USER) {
                            found = filter.userNameBit(b, vs, j);
                        } else {
                            found = 1; // a string where the general reader expects an object or null
                        }
                        bail |= found | escaped;
                    }
                    i = j + 1;
                } else if (c == '{') {
                    if (kind == K_SCALAR || kind == K_WATCH_KEY || kind == K_WATCH_ARN || depth == QUICK_DEPTH) {
                        return BAIL;
                    }
                    i++;
                    if (b[i] == '}') {
                        i++; // {}: a value with nothing inside
                    } else {
                        depth++;
                        level <<= 1;
                        objects |= level;
                        if (kind == K_USER_IDENTITY) {
                            identityDepth = depth;
                        }
                        continue member;
                    }
                } else if (c == '[') {
                    if (kind != K_NONE || depth == QUICK_DEPTH) {
                        return BAIL;
                    }
                    i++;
                    if (b[i] == ']') {
                        i++; // []
                    } else {
                        depth++;
                        level <<= 1;
                        objects &= ~level;
                        kind = K_NONE;
                        continue value;
                    }
                } else if (c == 'n') {
                    if (b[i + 1] != 'u' || b[i + 2] != 'l' || b[i + 3] != 'l') {
                        return BAIL;
                    }
                    i += 4;
                } else if (c == 't') {
                    if (kind >= K_USER_IDENTITY || b[i + 1] != 'r' || b[i + 2] != 'u' || b[i + 3] != 'e') {
                        return BAIL;
                    }
                    i += 4;
                } else if (c == 'f') {
                    if (kind >= K_USER_IDENTITY || b[i + 1] != 'a' || b[i + 2] != 'l' || b[i + 3] != 's'
                            || b[i + 4] != 'e') {
                        return BAIL;
                    }
                    i += 5;
                } else {
                    if (kind >= K_USER_IDENTITY) {
                        return BAIL;
                    }
                    i = quickNumber(b, i);
                    if (i < 0) {
                        return BAIL;
                    }
                }
                // after a value: a comma, or the end of one or more containers
                while (true) {
                    byte d = b[i];
                    boolean inObject = (objects & level) != 0;
                    if (d == ',') {
                        i++;
                        if (inObject) {
                            continue member;
                        }
                        kind = K_NONE;
                        continue value;
                    }
                    if (d != (inObject ? '}' : ']')) {
                        return BAIL;
                    }
                    i++;
                    depth--;
                    level >>>= 1;
                    if (depth < identityDepth) {
                        identityDepth = Integer.MAX_VALUE;
                    }
                    if (level == 1L) { // depth 0: the record's closing brace (tested on the bit, see level)
                        return recordish ? (i & (bail - 1)) | (BAIL & -bail) : BAIL; // BAIL if bail is 1
                    }
                }
            }
        }
    }

    /**
     * A JSON number at {@code b[i]} followed by a comma or a closing bracket: the index after it, or -1 for anything
     * else (a malformed number, whitespace after it, the end of the buffer: the sentinel is no digit).
     */
    static int quickNumber(byte[] b, int i) {
        int j = i;
        if (b[j] == '-') {
            j++;
        }
        byte c = b[j];
        if (c == '0') {
            j++;
        } else if (c >= '1' && c <= '9') {
            do {
                j++;
            } while (b[j] >= '0' && b[j] <= '9');
        } else {
            return -1;
        }
        if (b[j] == '.') {
            j++;
            int digits = j;
            while (b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            if (j == digits) {
                return -1;
            }
        }
        if (b[j] == 'e' || b[j] == 'E') {
            j++;
            if (b[j] == '+' || b[j] == '-') {
                j++;
            }
            int digits = j;
            while (b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            if (j == digits) {
                return -1;
            }
        }
        if (j - i > 1000) {
            return -1;
        }
        byte next = b[j];
        return next == ',' || next == '}' || next == ']' ? j : -1;
    }

    /** What follows a backslash in a string: 2 for a one-letter escape, 6 for a u escape, 0 if invalid. */
    private static final byte[] ESCAPES = new byte[256];

    static {
        for (char c : new char[] {'"', '\\', '/', 'b', 'f', 'n', 'r', 't'}) {
            ESCAPES[c] = 2;
        }
        ESCAPES['u'] = 6;
    }

    /** At {@code b[j] == '\\'}: the index after the escape, or -1 if it is invalid (or cut by the buffer's end). */
    static int quickEscape(byte[] b, int j) {
        int n = ESCAPES[b[j + 1] & 0xff];
        if (n == 6) {
            for (int h = j + 2; h < j + 6; h++) {
                byte d = b[h];
                if (!(d >= '0' && d <= '9' || d >= 'a' && d <= 'f' || d >= 'A' && d <= 'F')) {
                    return -1;
                }
            }
        }
        return n == 0 ? -1 : j + n;
    }

    private int scanRecordAt(int from) throws Fallback {
        try {
            return scanRecord(from);
        } catch (Fallback f) {
            throw new Fallback(f.getMessage() + " in the record at byte " + (base + from));
        }
    }

    private int finish(int i, boolean cand, boolean recordish, int nl, int lastNl) {
        candidate = cand || !recordish;
        newlines = nl;
        lastNewline = lastNl;
        return i;
    }

    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] NULL = bytes("null");

    /**
     * The index of the first byte at or after {@code j} that ends a run of plain string bytes ({@code "}, {@code \},
     * a control character or a non-ASCII byte), eight bytes at a time: at most {@code limit}, where the buffer's
     * sentinel (a zero byte, followed by slack for a whole word) stops it without a bounds test.
     */
    static int plainRun(byte[] b, int j, int limit) {
        while (true) {
            long w = (long) LONGS.get(b, j);
            long q = w ^ QUOTES;
            long s = w ^ BACKSLASHES;
            long special = ((q - ONES) & ~q) | ((s - ONES) & ~s) | ((w - SPACES) & ~w) | w;
            special &= HIGHS;
            if (special != 0) {
                return j + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            j += 8;
        }
    }

    /**
     * At {@code b[j]}, a backslash, a control character or a non-ASCII byte inside a string: returns the index after
     * it (after the whole escape), or -1 if the buffer ends first. Invalid escapes and control characters fall back.
     */
    private static int escapeOrByte(byte[] b, int j, int limit) throws Fallback {
        byte x = b[j];
        if (x < 0) {
            return j + 1;
        }
        if (x != '\\') {
            throw new Fallback("a control character in a string");
        }
        if (j + 1 >= limit) {
            return -1;
        }
        byte e = b[j + 1];
        switch (e) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                return j + 2;
            case 'u':
                if (j + 6 > limit) {
                    return -1;
                }
                for (int h = j + 2; h < j + 6; h++) {
                    byte d = b[h];
                    if (!(d >= '0' && d <= '9' || d >= 'a' && d <= 'f' || d >= 'A' && d <= 'F')) {
                        throw new Fallback("an invalid \\u escape");
                    }
                }
                return j + 6;
            default:
                throw new Fallback("an invalid escape");
        }
    }

    /** A JSON number at {@code b[i]}: the index after it, {@link #NEED_MORE}, or a fallback if malformed. */
    private static int number(byte[] b, int i, int limit) throws Fallback {
        int j = i;
        if (b[j] == '-') {
            j++;
        }
        if (j >= limit) {
            return NEED_MORE;
        }
        if (b[j] == '0') {
            j++;
        } else if (b[j] >= '1' && b[j] <= '9') {
            while (j < limit && b[j] >= '0' && b[j] <= '9') {
                j++;
            }
        } else {
            throw new Fallback("an invalid number");
        }
        if (j < limit && b[j] == '.') {
            j++;
            int digits = j;
            while (j < limit && b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            if (j == digits && j < limit) {
                throw new Fallback("an invalid number");
            }
        }
        if (j < limit && (b[j] == 'e' || b[j] == 'E')) {
            j++;
            if (j < limit && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            int digits = j;
            while (j < limit && b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            if (j == digits && j < limit) {
                throw new Fallback("an invalid number");
            }
        }
        if (j >= limit) {
            return NEED_MORE; // the number may go on in the next chunk
        }
        if (j - i > 1000) {
            throw new Fallback("a number too long");
        }
        byte next = b[j];
        if (!(next == ',' || next == '}' || next == ']' || next == ' ' || next == '\t' || next == '\r' || next == '\n')) {
            throw new Fallback("an invalid number");
        }
        return j;
    }

}
