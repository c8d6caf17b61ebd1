package io.canarykit.cloudtrail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The reader's fast path for S3 log files {@code {"Records":[…]}} read with a {@link RecordFilter}: it checks every
 * record against the JSON grammar byte by byte, without decoding it, and hands to Jackson only the records that might
 * be wanted or that the general reader would treat in any special way ("candidates"): a watched access key id or ARN,
 * an escape or a non-ASCII byte in a key or a watched value, a field detection reads with a value of the wrong type, a
 * record without any record field, the keys of other shapes. Every other record is one Jackson would read as a valid,
 * unwanted record, so it is only counted.
 *
 * <p>Anything unusual in the file's structure (another top-level shape, invalid JSON, a truncated stream, content after
 * the {@code Records} object, a record too large) stops it with {@link Fallback}: the caller then reads the file again
 * with the general reader, which reports the problem exactly as it always does. The fast path is therefore only ever
 * an optimisation of the general reader, never a second definition of what is valid.
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

        /** A valid record nobody wants. */
        void plain();
    }

    /** How the run ended. */
    enum Outcome { DONE, NOT_S3 }

    private static final int NEED_MORE = -1;
    private static final int MAX_DEPTH = 512;
    /** 1: ends a run of plain string bytes ({@code "}, {@code \}, a control character or a non-ASCII byte). */
    private static final byte[] SPECIAL = new byte[256];

    static {
        for (int i = 0; i < 0x20; i++) {
            SPECIAL[i] = 1;
        }
        for (int i = 0x80; i < 0x100; i++) {
            SPECIAL[i] = 1;
        }
        SPECIAL['"'] = 1;
        SPECIAL['\\'] = 1;
    }

    // what the value after a key is checked for
    private static final int K_NONE = 0;
    private static final int K_SCALAR = 1;
    private static final int K_WATCH_KEY = 2;
    private static final int K_WATCH_ARN = 3;
    private static final int K_USER_IDENTITY = 4;
    private static final int K_OBJECT_OR_NULL = 5;

    private static final byte[] RECORDS = bytes("Records");
    private static final byte[] ACCESS_KEY_ID = bytes("accessKeyId");
    private static final byte[] ARN = bytes("arn");
    private static final byte[] USER_IDENTITY = bytes("userIdentity");
    private static final byte[] SESSION_CONTEXT = bytes("sessionContext");
    private static final byte[][] RECORDISH = {bytes("eventID"), bytes("eventTime"), bytes("eventSource"), bytes("eventName")};
    private static final byte[][] RECORD_SCALARS = {bytes("awsRegion"), bytes("sourceIPAddress"), bytes("userAgent"),
            bytes("errorCode"), bytes("errorMessage"), bytes("requestID"), bytes("eventType"), bytes("readOnly"),
            bytes("recipientAccountId")};
    /** Keys that make the general reader read an object as another shape (envelope, LookupEvents item, container). */
    private static final byte[][] OTHER_SHAPES = {bytes("Records"), bytes("Events"), bytes("detail"),
            bytes("detail-type"), bytes("CloudTrailEvent"), bytes("EventId"), bytes("EventTime"), bytes("EventName"),
            bytes("EventSource"), bytes("AccessKeyId"), bytes("Username"), bytes("time"), bytes("region"),
            bytes("account"), bytes("version"), bytes("id"), bytes("source")};
    private static final byte[][] IDENTITY_SCALARS = {bytes("type"), bytes("principalId"), bytes("accountId"),
            bytes("userName"), bytes("invokedBy")};

    private final InputStream in;
    private final RecordFilter filter;
    private final Sink sink;
    private final int maxRecordBytes;

    private byte[] buf = new byte[1 << 20];
    private int pos;
    private int end;
    private long base; // absolute offset of buf[0]
    private boolean eof;
    private long line = 1;
    private long lineStart; // absolute offset of the current line's first byte

    // per-record results of scanRecord
    private boolean candidate;
    private int newlines;
    private int lastNewline;
    private final boolean[] isObject = new boolean[MAX_DEPTH + 1];

    FastS3Scanner(InputStream in, RecordFilter filter, Sink sink, int maxRecordBytes) {
        this.in = in;
        this.filter = filter;
        this.sink = sink;
        this.maxRecordBytes = maxRecordBytes;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Bytes consumed so far. */
    long consumed() {
        return base + pos;
    }

    /** After {@link Outcome#NOT_S3}: everything read so far, to put back in front of the rest of the stream. */
    byte[] readSoFar() {
        return Arrays.copyOfRange(buf, 0, end);
    }

    Outcome run() throws IOException, Fallback {
        // {"Records":[
        if (!expectPrefix()) {
            return Outcome.NOT_S3;
        }
        boolean first = true;
        while (true) {
            int c = nextNonWs();
            if (c == ']') {
                pos++;
                break;
            }
            if (!first) {
                if (c != ',') {
                    throw new Fallback("expected ',' or ']' between records");
                }
                pos++;
                c = nextNonWs();
            }
            if (c != '{') {
                throw new Fallback("an array element that is not an object");
            }
            int r = scanRecordAt(pos);
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
            if (candidate) {
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
            first = false;
        }
        if (nextNonWs() != '}') {
            throw new Fallback("more than Records in the top-level object");
        }
        pos++;
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
                pos = compact(pos);
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
        }
        return 0;
    }

    /** Reads more input, growing the buffer when it is full. */
    private void fill() throws IOException {
        if (end == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
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
                        while (j < limit && SPECIAL[b[j] & 0xff] == 0) {
                            j++;
                        }
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
                        if (eq(b, ks, len, ACCESS_KEY_ID)) {
                            kind = K_WATCH_KEY;
                        } else if (eq(b, ks, len, ARN)) {
                            kind = K_WATCH_ARN;
                        } else if (depth == 1) {
                            if (eq(b, ks, len, USER_IDENTITY)) {
                                kind = K_USER_IDENTITY;
                                recordish = true;
                            } else if (any(b, ks, len, RECORDISH)) {
                                kind = K_SCALAR;
                                recordish = true;
                            } else if (any(b, ks, len, RECORD_SCALARS)) {
                                kind = K_SCALAR;
                            } else if (any(b, ks, len, OTHER_SHAPES)) {
                                cand = true;
                            }
                        } else if (identityDepth > 0 && depth >= identityDepth) {
                            if (any(b, ks, len, IDENTITY_SCALARS)) {
                                kind = K_SCALAR;
                            } else if (depth == identityDepth && eq(b, ks, len, SESSION_CONTEXT)) {
                                kind = K_OBJECT_OR_NULL;
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
                            while (j < limit && SPECIAL[b[j] & 0xff] == 0) {
                                j++;
                            }
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
                        } else if (k == K_USER_IDENTITY || k == K_OBJECT_OR_NULL) {
                            cand = true;
                        }
                        i = j + 1;
                        state = 5;
                    } else if (c == '{' || c == '[') {
                        if (k == K_SCALAR || k == K_WATCH_KEY || k == K_WATCH_ARN) {
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

    private static boolean eq(byte[] b, int from, int len, byte[] name) {
        return len == name.length && Arrays.equals(b, from, from + len, name, 0, len);
    }

    private static boolean any(byte[] b, int from, int len, byte[][] names) {
        for (byte[] n : names) {
            if (n.length == len && Arrays.equals(b, from, from + len, n, 0, len)) {
                return true;
            }
        }
        return false;
    }
}
