package io.canarykit.cloudtrail;

/**
 * Follows the structure of the decompressed bytes the general reader parses, byte by byte and without validating
 * them, to know where to resume after invalid JSON: where each element of an array of records starts (the
 * {@code Records} or {@code Events} array of a top-level object, or a top-level array), where such an array ends, and
 * where a line starts a new top-level object. It looks ahead of the parser (it sees every byte as the parser's
 * buffer is filled), so after the parser fails inside a record, the next element of the same array is usually known
 * already; after a 200 MB record, it is found by reading on.
 *
 * <p>Broken records do not mislead it for long: it tracks strings (with escapes), nesting of any depth and what may
 * come next, tolerates a missing comma or colon, and gives up on the current line when the structure cannot be right
 * (a newline inside a string, an opening bracket where no value may start, a closing bracket of the wrong kind). It
 * then waits for a line that starts with {@code {}, the resynchronisation of JSON Lines.
 *
 * <p>Not thread-safe.
 */
final class Framer {
    /** The first byte of an element of an array of records. */
    static final int ELEMENT = 1;
    /** The {@code ]} that closes an array of records. */
    static final int ARRAY_END = 2;
    /** A {@code {} at the top level that is the first thing on its line. */
    static final int ROOT = 3;

    /** The array is the top-level value. */
    static final int ROOT_ARRAY = 0;
    /** The array is the {@code Records} member of a top-level object. */
    static final int RECORDS = 1;
    /** The array is the {@code Events} member of a top-level object. */
    static final int EVENTS = 2;

    // what may come next in the current container
    private static final int E_ROOT = 0;
    private static final int E_KEY_OR_CLOSE = 1;
    private static final int E_KEY = 2;
    private static final int E_COLON = 3;
    private static final int E_VALUE = 4;
    private static final int E_VALUE_OR_CLOSE = 5;
    private static final int E_AFTER = 6;

    /** Containers deeper than this are counted, not told apart (object or array). */
    private static final long MAX_TRACKED_DEPTH = 1 << 16;
    private static final int LOG = 1024;
    private static final long KEY_RECORDS_WORD = key("Records");
    private static final long KEY_EVENTS_WORD = key("Events");

    // the structure
    private long depth;
    private long[] objects = new long[4]; // bit d: the container at depth d is an object
    private int expect = E_ROOT;
    private long recordsDepth = -1; // depth inside the array of records, or -1
    private int recordsKind;
    private long recordsStart = -1; // offset of its '[' (-1: before the bytes seen, where the fast path handed over)
    private boolean inString;
    private boolean escape;
    private boolean keyString; // the string is a key of the top-level object
    private long keyWord;
    private int keyLength;
    private long lastKeyWord; // the last key of the top-level object (its first eight bytes)
    private int lastKeyLength;
    private boolean inScalar;
    private boolean lost;

    // positions
    private long offset; // of the next byte
    private long line = 1;
    private long lineStart;
    private boolean atLineStart = true;

    // the events, in a ring: type, kind, offset, line, column
    private final int[] evType = new int[LOG];
    private final int[] evKind = new int[LOG];
    private final long[] evOffset = new long[LOG];
    private final long[] evLine = new long[LOG];
    private final long[] evColumn = new long[LOG];
    private final long[] evArrayStart = new long[LOG];
    private long events;

    /** At the start of a source. */
    Framer() {
    }

    private static long key(String s) {
        long w = 0;
        for (int i = 0; i < s.length() && i < 8; i++) {
            w |= (long) (s.charAt(i) & 0xff) << (8 * i);
        }
        return w;
    }

    /**
     * Where the fast path handed over: inside the {@code Records} array of a top-level object ({@code depth} 2), after
     * its {@code ]} (1) or after the top-level object ({@code 0}). {@code expectValue}: an element may start next
     * (after {@code [} or a comma); otherwise one just ended.
     */
    static Framer inS3File(int depth, boolean expectValue, long offset, long line, long lineStart) {
        Framer f = new Framer();
        f.offset = offset;
        f.line = line;
        f.lineStart = lineStart;
        f.atLineStart = offset == lineStart;
        if (depth >= 1) {
            f.depth = 1;
            f.objects[0] |= 2L; // depth 1: the top-level object
            f.expect = E_AFTER;
        }
        if (depth >= 2) {
            f.depth = 2;
            f.recordsDepth = 2;
            f.recordsKind = RECORDS;
            f.expect = expectValue ? E_VALUE_OR_CLOSE : E_AFTER;
        }
        return f;
    }

    /** Follows {@code b[off, off+len)}, the next bytes of the source. */
    void feed(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (lost) {
                lostByte(c);
            } else if (inString) {
                stringByte(c);
            } else {
                if (inScalar) {
                    if (scalarByte(c)) {
                        offset++;
                        continue;
                    }
                    inScalar = false;
                    afterValue();
                }
                structureByte(c);
            }
            offset++;
        }
    }

    private static boolean scalarByte(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-';
    }

    private void stringByte(byte c) {
        if (escape) {
            escape = false;
        } else if (c == '\\') {
            escape = true;
        } else if (c == '"') {
            inString = false;
            if (keyString) {
                keyString = false;
                lastKeyWord = keyWord;
                lastKeyLength = keyLength;
                expect = E_COLON;
            } else if (expect == E_KEY || expect == E_KEY_OR_CLOSE) {
                expect = E_COLON; // a key deeper down
            } else {
                afterValue();
            }
            return;
        } else if (c == '\n') {
            newline();
            lose((byte) ' '); // no JSON string holds a raw newline: the structure is not what it seemed
            return;
        }
        if (keyString) {
            if (keyLength < 8) {
                keyWord |= (long) (c & 0xff) << (8 * keyLength);
            }
            keyLength++;
        }
    }

    private void structureByte(byte c) {
        switch (c) {
            case ' ':
            case '\t':
            case '\r':
                return;
            case '\n':
                newline();
                return;
            case '"': {
                boolean key = expect == E_KEY || expect == E_KEY_OR_CLOSE
                        || expect == E_AFTER && inObject(); // a missing comma
                if (key) {
                    if (depth == 1) {
                        keyString = true;
                        keyWord = 0;
                        keyLength = 0;
                    }
                    expect = E_KEY;
                } else {
                    valueStart(c);
                }
                inString = true;
                break;
            }
            case '{':
            case '[': {
                if (!(expect == E_VALUE || expect == E_VALUE_OR_CLOSE || expect == E_ROOT || expect == E_AFTER && !inObject()
                        && depth > 0) || depth == 0 && !atLineStart) {
                    lose(c); // at the top level, a value that does not start its line is text, not JSON Lines
                    break;
                }
                valueStart(c);
                push(c == '{');
                if (c == '[') {
                    if (depth == 1) {
                        recordsDepth = 1;
                        recordsKind = ROOT_ARRAY;
                        recordsStart = offset;
                    } else if (depth == 2 && isObjectAt(1) && lastKeyLength == 7 && lastKeyWord == KEY_RECORDS_WORD) {
                        recordsDepth = 2;
                        recordsKind = RECORDS;
                        recordsStart = offset;
                    } else if (depth == 2 && isObjectAt(1) && lastKeyLength == 6 && lastKeyWord == KEY_EVENTS_WORD) {
                        recordsDepth = 2;
                        recordsKind = EVENTS;
                        recordsStart = offset;
                    }
                }
                expect = c == '{' ? E_KEY_OR_CLOSE : E_VALUE_OR_CLOSE;
                break;
            }
            case '}':
            case ']': {
                if (depth == 0 || inObject() != (c == '}')) {
                    lose(c);
                    break;
                }
                if (depth == recordsDepth) {
                    event(ARRAY_END, recordsKind);
                    recordsDepth = -1;
                }
                depth--;
                afterValue();
                break;
            }
            case ',':
                if (expect == E_AFTER) {
                    expect = inObject() ? E_KEY : E_VALUE;
                }
                break;
            case ':':
                if (expect == E_COLON) {
                    expect = E_VALUE;
                }
                break;
            default:
                if (offset < 3 && (c == (byte) 0xEF || c == (byte) 0xBB || c == (byte) 0xBF)) {
                    return; // a byte order mark: the first line still starts with what follows it
                }
                if (scalarByte(c)) {
                    if (expect == E_KEY || expect == E_KEY_OR_CLOSE) {
                        break; // not JSON; nothing to follow
                    }
                    valueStart(c);
                    inScalar = true;
                }
                break;
        }
        atLineStart = false;
    }

    /** A value starts at the current byte: an element, if its container is an array of records. */
    private void valueStart(byte c) {
        if (depth == 0) {
            if (c == '{' && atLineStart) {
                event(ROOT, 0);
            }
        } else if (depth == recordsDepth) {
            event(ELEMENT, recordsKind);
        }
    }

    private void afterValue() {
        expect = depth == 0 ? E_ROOT : E_AFTER;
    }

    private void newline() {
        line++;
        lineStart = offset + 1;
        atLineStart = true;
    }

    /** The structure cannot be right at byte {@code c}: wait for a line that starts with an object (maybe this one). */
    private void lose(byte c) {
        lost = true;
        lostByte(c);
    }

    /** While lost: waits for a line that starts with an object, and starts afresh there, at the top level. */
    private void lostByte(byte c) {
        if (c == '\n') {
            newline();
        } else if (c == ' ' || c == '\t' || c == '\r') {
            return;
        } else if (c == '{' && atLineStart) {
            lost = false;
            depth = 0;
            java.util.Arrays.fill(objects, 0L);
            recordsDepth = -1;
            recordsStart = -1;
            inString = false;
            escape = false;
            keyString = false;
            inScalar = false;
            lastKeyLength = 0;
            expect = E_ROOT;
            structureByte(c);
        } else {
            atLineStart = false;
        }
    }

    private void push(boolean object) {
        depth++;
        if (depth < MAX_TRACKED_DEPTH) {
            int word = (int) (depth >>> 6);
            if (word >= objects.length) {
                objects = java.util.Arrays.copyOf(objects, Math.max(word + 1, objects.length * 2));
            }
            if (object) {
                objects[word] |= 1L << depth;
            } else {
                objects[word] &= ~(1L << depth);
            }
        }
    }

    private boolean isObjectAt(long d) {
        if (d >= MAX_TRACKED_DEPTH) {
            return true; // untracked: anything goes
        }
        return (objects[(int) (d >>> 6)] & (1L << d)) != 0;
    }

    private boolean inObject() {
        return depth > 0 && isObjectAt(depth);
    }

    private void event(int type, int kind) {
        int i = (int) (events % LOG);
        evType[i] = type;
        evKind[i] = kind;
        evOffset[i] = offset;
        evLine[i] = line;
        evColumn[i] = offset - lineStart + 1;
        evArrayStart[i] = type == ROOT ? -1 : recordsStart;
        events++;
    }

    /** The offset of the next byte it will see: how far the source has been read. */
    long offset() {
        return offset;
    }

    /** The line of the next byte it will see. */
    long line() {
        return line;
    }

    /** The column of the next byte it will see. */
    long column() {
        return offset - lineStart + 1;
    }

    /**
     * The first event at or after offset {@code from} where reading can go on after an error at {@code errorAt}: a
     * line that starts a top-level object, or an element or the end of an array of records that was open at the error
     * (not one opened after it, which could be text that merely looks like an array); -1 if none is known yet (the
     * bytes up to it have not been seen). Read its fields with {@link #type}, {@link #kind}, {@link #offset},
     * {@link #line}, {@link #column}.
     */
    long find(long from, long errorAt) {
        long first = Math.max(0, events - LOG);
        for (long e = first; e < events; e++) {
            int i = (int) (e % LOG);
            if (evOffset[i] >= from && (evType[i] == ROOT || evArrayStart[i] < errorAt)) {
                return e;
            }
        }
        return -1;
    }

    int type(long event) {
        return evType[(int) (event % LOG)];
    }

    int kind(long event) {
        return evKind[(int) (event % LOG)];
    }

    long offset(long event) {
        return evOffset[(int) (event % LOG)];
    }

    long line(long event) {
        return evLine[(int) (event % LOG)];
    }

    long column(long event) {
        return evColumn[(int) (event % LOG)];
    }
}
