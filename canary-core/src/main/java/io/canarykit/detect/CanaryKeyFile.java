package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.cloudtrail.CloudTrailTimes;
import io.canarykit.cloudtrail.RecordFilter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * The canaries file {@code canary scan} reads: one JSON object per line,
 * {@code {"canaryId":…,"accessKeyId":…,"principalArn":… or null,"issuedAt":…,"expiresAt":… or null}}; blank lines
 * are skipped. A canary id that is not a canarykit id is kept as the label it is reported under.
 *
 * @since 0.1.0
 */
public final class CanaryKeyFile {
    /** Jackson, for lines off the plain form: loaded on first use. */
    private static final class Json {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    /**
     * One canary of the file: its key, and the id as the file spells it.
     *
     * @since 0.1.0
     */
    public record Entry(String label, CanaryKey key) {
        public Entry {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The canaries of a file, with a lookup from key back to label. Held compactly (see {@link CanaryIndex}): the
     * lists of entries and keys make their elements when asked.
     *
     * @since 0.1.0
     */
    public static final class Canaries {
        private final KeyTable table;
        private final CanaryIndex index;

        private Canaries(KeyTable table, RecordFilter filter) {
            this.table = table;
            this.index = CanaryIndex.of(table, filter);
        }

        /** Every entry, in file order. */
        public List<Entry> entries() {
            return new java.util.AbstractList<>() {
                @Override
                public Entry get(int i) {
                    java.util.Objects.checkIndex(i, table.size());
                    return new Entry(table.label(i), table.key(i));
                }

                @Override
                public int size() {
                    return table.size();
                }
            };
        }

        /** The keys, in file order. */
        public List<CanaryKey> keys() {
            return new java.util.AbstractList<>() {
                @Override
                public CanaryKey get(int i) {
                    java.util.Objects.checkIndex(i, table.size());
                    return table.key(i);
                }

                @Override
                public int size() {
                    return table.size();
                }
            };
        }

        /**
         * An index of these canaries matching validity windows exactly: the same as {@code CanaryIndex.of(keys())},
         * built with what reading the file already gathered.
         */
        public CanaryIndex index() {
            return index;
        }

        /** The id as the file spells it. */
        public String label(CanaryKey key) {
            return table.label(key);
        }
    }

    private CanaryKeyFile() {
    }

    /**
     * Reads the file on the calling thread.
     *
     * @throws CanaryConfigurationException naming the file and line of the first entry that is wrong, and what is
     *                                      wrong with it, or if the file cannot be read
     */
    public static Canaries read(Path file) {
        return read(file, 1);
    }

    /**
     * Reads the file, parsing it in up to {@code parallelism} pieces at once (on threads that end before this
     * returns) when it is large enough to be worth it.
     *
     * @throws CanaryConfigurationException naming the file and line of the first entry that is wrong, and what is
     *                                      wrong with it, or if the file cannot be read
     */
    public static Canaries read(Path file, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("canaries file " + file + " does not exist");
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
        }
        // the file is read piece by piece, a block at a time: it is never in memory whole
        int pieces = size < (1 << 20) ? 1 : parallelism;
        long[] starts = new long[pieces + 1];
        starts[pieces] = size;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            for (int i = 1; i < pieces; i++) {
                starts[i] = lineStartFrom(ch, Math.max(starts[i - 1], size * i / pieces), size);
            }
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
        }
        List<Piece> parts = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            parts.add(new Piece(file, starts[i], starts[i + 1]));
        }
        if (pieces == 1) {
            parts.get(0).run();
        } else {
            List<Thread> threads = new ArrayList<>();
            for (Piece part : parts.subList(1, parts.size())) {
                Thread t = new Thread(part, "canary-key-file");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            parts.get(0).run();
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + file, e);
                }
            }
        }
        // the pieces put together; then, at once, the record filter (what a scan needs first) built on another thread
        // and the ids checked for duplicates on this one
        List<KeyTable.Builder> builders = new ArrayList<>();
        for (Piece part : parts) {
            builders.add(part.rows());
        }
        KeyTable.Builder all = KeyTable.Builder.concat(builders);
        builders.clear();
        for (Piece part : parts) {
            part.count = part.rows().size();
            if (part.rows != all) {
                part.rows = null; // copied into all: let it go before the filter and the id check take their memory
            }
        }
        KeyTable table = all.build();
        FilterTask filter = new FilterTask(table);
        filter.start();
        IdSet seen = new IdSet(table.size());
        int row = 0;
        for (Piece part : parts) {
            // the entries a piece read before its problem come first in the file, so they are checked first
            for (int i = 0; i < part.count; i++, row++) {
                checkId(file, parts, all, part, i, seen, row);
            }
            if (part.failure != null) {
                throw part.failure;
            }
        }
        return new Canaries(table, filter.result(file));
    }

    /** The offset of the first line that starts at or after {@code at} (or {@code size}). */
    private static long lineStartFrom(java.nio.channels.FileChannel ch, long at, long size) throws IOException {
        if (at == 0) {
            return 0;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8192);
        long pos = at - 1;
        while (pos < size) {
            b.clear();
            int n = ch.read(b, pos);
            if (n <= 0) {
                return size;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) == '\n') {
                    return pos + i + 1;
                }
            }
            pos += n;
        }
        return size;
    }

    /** Checks that entry {@code i} of {@code part} (row {@code row} of the file) has an id no earlier entry has. */
    private static void checkId(Path file, List<Piece> parts, KeyTable.Builder r, Piece part, int i, IdSet seen,
                                int row) {
        int before;
        if (r.plainId(row)) {
            before = seen.add(r.arena(), r.labelAt(row), r.labelLength(row), row);
        } else {
            String canonical = r.canonicalId(row);
            byte[] b = canonical == null ? null : canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            before = b == null ? -1 : seen.add(b, 0, b.length, row);
        }
        if (before >= 0) {
            throw new CanaryConfigurationException("canaries file " + file + " line " + part.line(i)
                    + ": canaryId " + r.label(row) + " appears twice (also on line " + lineOf(parts, before) + ")");
        }
    }

    /** Builds the record filter of a table on a thread of its own. */
    private static final class FilterTask extends Thread {
        private final KeyTable table;
        private volatile @Nullable RecordFilter filter;
        private volatile @Nullable RuntimeException failure;

        FilterTask(KeyTable table) {
            super("canary-key-filter");
            setDaemon(true);
            this.table = table;
        }

        @Override
        public void run() {
            try {
                filter = table.filter();
            } catch (RuntimeException | Error e) {
                failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
        }

        RecordFilter result(Path file) {
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + file, e);
            }
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            return Objects.requireNonNull(filter, "the filter thread ended with neither a filter nor a failure");
        }
    }

    /** The line of the {@code n}th entry of the file (counting from 0 over all pieces). */
    private static long lineOf(List<Piece> parts, int n) {
        for (Piece part : parts) {
            if (n < part.count) {
                return part.line(n);
            }
            n -= part.count;
        }
        throw new IllegalStateException("no entry " + n);
    }

    /**
     * The canary ids seen so far (open addressing over their strings, each slot holding an entry's number): checking
     * 100,000 ids for duplicates without boxing or hashing records.
     */
    private static final class IdSet {
        private final int[] numbers; // entry number + 1, 0 for an empty slot
        private final int[] hashes;
        private final int[] starts;
        private final int[] lengths;
        private byte[] arena;
        private int used;
        private final int mask;

        IdSet(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2)) << 1;
            numbers = new int[cap];
            hashes = new int[cap];
            starts = new int[cap];
            lengths = new int[cap];
            arena = new byte[Math.max(64, expected * 26)];
            mask = cap - 1;
        }

        /**
         * Adds the id whose bytes are {@code b[off, off+len)} as entry {@code number}; returns the number of the entry
         * that already had it, or -1.
         */
        int add(byte[] b, int off, int len, int number) {
            int h = 0x811C9DC5;
            for (int k = off; k < off + len; k++) {
                h = (h ^ (b[k] & 0xff)) * 0x01000193;
            }
            h ^= h >>> 15;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                if (numbers[i] == 0) {
                    if (used + len > arena.length) {
                        arena = java.util.Arrays.copyOf(arena, Math.max(arena.length * 2, used + len));
                    }
                    System.arraycopy(b, off, arena, used, len);
                    numbers[i] = number + 1;
                    hashes[i] = h;
                    starts[i] = used;
                    lengths[i] = len;
                    used += len;
                    return -1;
                }
                if (hashes[i] == h && lengths[i] == len
                        && java.util.Arrays.equals(arena, starts[i], starts[i] + len, b, off, off + len)) {
                    return numbers[i] - 1;
                }
            }
        }
    }

    /** Where an entry is, for error messages: built only when one is needed. */
    private static final class Where {
        private final Piece piece;
        int line; // within the piece, from 1

        Where(Piece piece) {
            this.piece = piece;
        }

        @Override
        public String toString() {
            return "canaries file " + piece.file + " line " + (piece.firstLine() + line) + ": ";
        }
    }

    /** One piece of the file, read a block at a time and parsed on its own. */
    private static final class Piece implements Runnable {
        private static final int BLOCK = 1 << 20;
        private static final byte[] NO_BYTES = new byte[0];
        private final Path file;
        private final long from;
        private final long to;
        /** The rows read; null once they have been copied into the whole file's builder. */
        KeyTable.@Nullable Builder rows;
        /** How many rows it read (set once it has been read). */
        int count;
        private byte[] bytes = NO_BYTES; // the block being parsed
        private int[] lines = new int[1024];
        private long firstLine = -1;
        private final int[] ranges = new int[2 * FIELDS.length];
        private final Where where = new Where(this);
        private final Times times = new Times();
        @Nullable CanaryConfigurationException failure;

        Piece(Path file, long from, long to) {
            this.file = file;
            this.from = from;
            this.to = to;
            this.rows = new KeyTable.Builder((int) Math.min(Integer.MAX_VALUE / 64, (to - from) / 120 + 16));
        }

        /** How many lines of the file come before this piece (counted only when an error message needs it). */
        long firstLine() {
            if (firstLine < 0) {
                long n = 0;
                try (java.io.InputStream in = Files.newInputStream(file)) {
                    byte[] b = new byte[8192];
                    long left = from;
                    while (left > 0) {
                        int r = in.read(b, 0, (int) Math.min(b.length, left));
                        if (r < 0) {
                            break;
                        }
                        for (int i = 0; i < r; i++) {
                            if (b[i] == '\n') {
                                n++;
                            }
                        }
                        left -= r;
                    }
                } catch (IOException e) {
                    n = 0;
                }
                firstLine = n;
            }
            return firstLine;
        }

        /** The line in the file of this piece's {@code i}th entry. */
        long line(int i) {
            return firstLine() + lines[i];
        }

        @Override
        public void run() {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                bytes = new byte[(int) Math.min(BLOCK, Math.max(to - from, 1))];
                long pos = from;
                int len = 0;
                while (pos < to || len > 0) {
                    if (pos < to && len < bytes.length) {
                        int n = ch.read(java.nio.ByteBuffer.wrap(bytes, len, (int) Math.min(bytes.length - len, to - pos)), pos);
                        if (n < 0) {
                            throw new CanaryConfigurationException("canaries file " + file + " changed while it was read");
                        }
                        pos += n;
                        len += n;
                    }
                    int done = lines(len, pos >= to);
                    System.arraycopy(bytes, done, bytes, 0, len - done);
                    len -= done;
                    if (len == bytes.length) {
                        bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2); // a line longer than a block
                    }
                }
            } catch (CanaryConfigurationException e) {
                failure = e;
            } catch (IOException e) {
                failure = new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
            } finally {
                bytes = NO_BYTES;
            }
        }

        /** Reads the whole lines of {@code bytes[0, len)} (and the last one if {@code last}); returns where they end. */
        private int lines(int len, boolean last) {
            int at = 0;
            while (at < len) {
                // a line of the plain form is read in one pass, which also finds its end (simple never reads past a
                // newline); any other line, or one the block cuts, is first measured, then read as it comes
                int end = simple(bytes, at, len, ranges);
                if (end >= 0 && (end < len || last)) {
                    at = readLine(at, end, true);
                    continue;
                }
                int nl = at;
                while (nl < len && bytes[nl] != '\n') {
                    nl++;
                }
                if (nl == len && !last) {
                    return at;
                }
                at = readLine(at, nl, false);
            }
            return Math.min(at, len); // a last line without a newline ends at len, not after its (absent) newline
        }

        /**
         * Reads the line {@code bytes[at, end)} ({@code plain}: {@link #simple} has just read it, its ranges are set);
         * returns where the next one starts.
         */
        private int readLine(int at, int end, boolean plain) {
            where.line++;
            if (plain || simple(bytes, at, end, ranges) >= 0) {
                plainRow();
            } else {
                if (blank(bytes, at, end)) {
                    return end + 1;
                }
                String[] v = general(bytes, at, end, where);
                textRow(v[0], v[1], v[2], v[3], v[4]);
            }
            int read = rows().size();
            if (read > lines.length) {
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            }
            lines[read - 1] = where.line;
            return end + 1;
        }

        /** A line of the plain form: its values straight from the file's bytes. */
        private void plainRow() {
            if (ranges[0] < 0) {
                throw new CanaryConfigurationException(where + "canaryId is missing");
            }
            Instant issued = requiredTime(instant(0), "issuedAt", 0);
            Instant expires = optionalTime(instant(1), "expiresAt", 1);
            check(ranges[2] >= 0, ranges[4] >= 0, issued, expires);
            int labelAt = ranges[0];
            int labelLength = ranges[1] - labelAt;
            byte kind = isPlainId(bytes, labelAt, labelLength) ? KeyTable.ID_PLAIN
                    : kindOf(ascii(bytes, labelAt, ranges[1]));
            rows().add(bytes, labelAt, labelLength, ranges[2], ranges[2] < 0 ? -1 : ranges[3] - ranges[2], ranges[4],
                    ranges[4] < 0 ? -1 : ranges[5] - ranges[4], issued, expires, kind);
        }

        /** The text of the time field in {@code slot} (issuedAt, expiresAt) that {@link #simple} found, or null. */
        private @Nullable String instant(int slot) {
            int f = 3 + slot;
            return ranges[2 * f] < 0 ? null : times.text(slot, bytes, ranges[2 * f], ranges[2 * f + 1]);
        }

        /** A line read by Jackson: its values as strings. */
        private void textRow(@Nullable String label, @Nullable String key, @Nullable String arn,
                             @Nullable String issuedText, @Nullable String expiresText) {
            if (label == null) {
                throw new CanaryConfigurationException(where + "canaryId is missing");
            }
            Instant issued = requiredTime(issuedText, "issuedAt", -1);
            Instant expires = optionalTime(expiresText, "expiresAt", -1);
            check(key != null, arn != null, issued, expires);
            byte[] l = label.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] k = key == null ? new byte[0] : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] a = arn == null ? new byte[0] : arn.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] all = new byte[l.length + k.length + a.length];
            System.arraycopy(l, 0, all, 0, l.length);
            System.arraycopy(k, 0, all, l.length, k.length);
            System.arraycopy(a, 0, all, l.length + k.length, a.length);
            rows().add(all, 0, l.length, l.length, key == null ? -1 : k.length, l.length + k.length,
                    arn == null ? -1 : a.length, issued, expires, isPlainId(l, 0, l.length) ? KeyTable.ID_PLAIN : kindOf(label));
        }

        private void check(boolean hasKey, boolean hasArn, Instant issued, @Nullable Instant expires) {
            if (!hasKey && !hasArn) {
                throw new CanaryConfigurationException(where + "give an accessKeyId or a principalArn");
            }
            if (expires != null && expires.isBefore(issued)) {
                throw new CanaryConfigurationException(where + "expiresAt " + expires + " is before issuedAt " + issued);
            }
        }

        /** The rows read so far (not after they have been copied into the whole file's builder). */
        KeyTable.Builder rows() {
            return Objects.requireNonNull(rows, "the rows of this piece were already copied into the whole file's");
        }

        private Instant requiredTime(@Nullable String v, String field, int slot) {
            if (v == null) {
                throw new CanaryConfigurationException(where + field + " is missing");
            }
            return time(v, field, slot);
        }

        private @Nullable Instant optionalTime(@Nullable String v, String field, int slot) {
            return v == null ? null : time(v, field, slot);
        }

        private Instant time(String v, String field, int slot) {
            Instant t = slot < 0 ? CloudTrailTimes.parse(v) : times.instant(slot, v);
            if (t == null) {
                throw new CanaryConfigurationException(where + field + " '" + v + "' is not a time such as 2025-03-14T09:26:53Z");
            }
            return t;
        }

        /** One line through Jackson: anything the fast reading of {@link #simple} does not take. */
        private static String[] general(byte[] b, int from, int to, Object where) {
            try (JsonParser p = Json.FACTORY.createParser(b, from, to - from)) {
                JsonToken t = p.nextToken();
                String[] v = parse(p, t, where);
                if (p.nextToken() != null) {
                    throw new CanaryConfigurationException(where + "more than one JSON value on the line");
                }
                return v;
            } catch (JsonProcessingException e) {
                throw new CanaryConfigurationException(where + "not JSON (" + e.getOriginalMessage() + ")");
            } catch (IOException e) {
                throw new CanaryConfigurationException(where + e.getMessage(), e);
            }
        }
    }

    /** What a label that is not a plain canary id is: one in another spelling, or none at all. */
    private static byte kindOf(String label) {
        try {
            CanaryId.parse(label);
            return KeyTable.ID_PARSED;
        } catch (CanaryConfigurationException notOurs) {
            return KeyTable.ID_LABEL;
        }
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static final String[] FIELDS = {"canaryId", "accessKeyId", "principalArn", "issuedAt", "expiresAt"};

    /** {@link #FIELDS} as bytes, for the plain-form reader. */
    private static final byte[][] FIELD_BYTES = new byte[FIELDS.length][];

    static {
        for (int f = 0; f < FIELDS.length; f++) {
            FIELD_BYTES[f] = FIELDS[f].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /**
     * Reads a line of the plain form every tool writes (a flat object of the five fields, string or null values
     * without escapes, ASCII, not blank) that starts at {@code from}: puts where each field's value starts and ends
     * into {@code ranges} (at {@code 2 * field}; -1 for null or absent) and returns where the line ends (its newline,
     * or {@code to}); -1 for anything else, which Jackson then reads (and reports). A newline is never part of the
     * plain form, so the line's end needs no search of its own. (It only finds positions: it is small, and the JIT
     * compiles it quickly.)
     */
    private static int simple(byte[] b, int from, int to, int[] ranges) {
        java.util.Arrays.fill(ranges, -1);
        int i = ws(b, from, to);
        if (i >= to || b[i] != '{') {
            return -1;
        }
        i = ws(b, i + 1, to);
        if (i < to && b[i] == '}') {
            return lineEnd(b, i + 1, to);
        }
        int seen = 0;
        while (true) {
            if (i >= to || b[i] != '"') {
                return -1;
            }
            int ks = i + 1;
            int ke = plain(b, ks, to);
            if (ke >= to || b[ke] != '"') {
                return -1;
            }
            int field = field(b, ks, ke);
            if (field < 0 || (seen & (1 << field)) != 0) {
                return -1; // other or repeated fields: the general reader's rules apply
            }
            seen |= 1 << field;
            i = ws(b, ke + 1, to);
            if (i >= to || b[i] != ':') {
                return -1;
            }
            i = ws(b, i + 1, to);
            if (i + 4 <= to && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
                i += 4;
            } else if (i < to && b[i] == '"') {
                int vs = i + 1;
                int ve = plain(b, vs, to);
                if (ve >= to || b[ve] != '"' || blank(b, vs, ve)) {
                    return -1; // escapes, control or non-ASCII bytes, or empty or blank
                }
                ranges[2 * field] = vs;
                ranges[2 * field + 1] = ve;
                i = ve + 1;
            } else {
                return -1;
            }
            i = ws(b, i, to);
            if (i < to && b[i] == ',') {
                i = ws(b, i + 1, to);
                continue;
            }
            return i < to && b[i] == '}' ? lineEnd(b, i + 1, to) : -1;
        }
    }

    /** The end of the line (its newline, or {@code to}) if only spaces come before it from {@code i}, else -1. */
    private static int lineEnd(byte[] b, int i, int to) {
        int e = ws(b, i, to);
        return e == to || b[e] == '\n' ? e : -1;
    }

    /** The index of the first byte at or after {@code i} that is a quote, a backslash, a control or non-ASCII byte. */
    private static int plain(byte[] b, int i, int to) {
        while (i < to) {
            byte c = b[i];
            if (c == '"' || c == '\\' || c < 0x20) {
                return i;
            }
            i++;
        }
        return i;
    }

    /** The plain ASCII bytes {@code b[from, to)} as a string. */
    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Which of {@link #FIELDS} the name {@code b[from, to)} is, or -1. */
    private static int field(byte[] b, int from, int to) {
        int f;
        switch (to - from) {
            case 8: f = b[from] == 'c' ? 0 : 3; break; // canaryId, issuedAt
            case 9: f = 4; break; // expiresAt
            case 11: f = 1; break; // accessKeyId
            case 12: f = 2; break; // principalArn
            default: return -1;
        }
        return matches(b, from, to, FIELD_BYTES[f]) ? f : -1;
    }

    /**
     * The last time text read for issuedAt and for expiresAt, and its instant: the lines of a file mostly share a few
     * values, which are then kept once instead of once per line.
     */
    private static final class Times {
        private final String[] text = new String[2];
        private final byte[][] bytes = new byte[2][];
        private final Instant[] instants = new Instant[2];

        /** {@code b[from, to)} (plain ASCII) as a string, the same instance as last time if it is the same. */
        String text(int slot, byte[] b, int from, int to) {
            byte[] last = bytes[slot];
            if (last != null && java.util.Arrays.equals(last, 0, last.length, b, from, to)) {
                return text[slot];
            }
            String v = ascii(b, from, to);
            text[slot] = v;
            bytes[slot] = java.util.Arrays.copyOfRange(b, from, to);
            instants[slot] = null;
            return v;
        }

        /** The instant of {@code v}, parsed once per distinct text in a row. */
        @Nullable Instant instant(int slot, String v) {
            if (v == text[slot] && instants[slot] != null) {
                return instants[slot];
            }
            Instant t = CloudTrailTimes.parse(v);
            if (v == text[slot]) {
                instants[slot] = t;
            }
            return t;
        }
    }

    private static int ws(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean matches(byte[] b, int from, int to, byte[] name) {
        if (to - from != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (b[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static long line(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    /**
     * One object; its START_OBJECT is {@code t}, the current token. Leaves the parser on its END_OBJECT. Returns the
     * values of {@link #FIELDS}, null where absent or null.
     */
    private static String[] parse(JsonParser p, JsonToken t, Object where) throws IOException {
        String[] values = new String[FIELDS.length];
        if (t != JsonToken.START_OBJECT) {
            throw new CanaryConfigurationException(where + "expected an object {\"canaryId\":…,\"accessKeyId\":…,"
                    + "\"principalArn\":…,\"issuedAt\":…,\"expiresAt\":…}");
        }
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int field = java.util.Arrays.asList(FIELDS).indexOf(name);
            if (field < 0) {
                p.skipChildren(); // another tool's extra field
                continue;
            }
            String text;
            if (v == JsonToken.VALUE_NULL) {
                text = null;
            } else if (v == JsonToken.VALUE_STRING) {
                text = p.getText();
                if (text.isBlank()) {
                    throw new CanaryConfigurationException(where + name + " must not be empty");
                }
            } else {
                p.skipChildren();
                throw new CanaryConfigurationException(where + name + " must be a string or null");
            }
            values[field] = text;
        }
        return values;
    }

    /** True if {@code b[at, at+len)} is a canary id as {@link CanaryId#parse} would leave it. */
    private static boolean isPlainId(byte[] b, int at, int len) {
        if (len != CanaryId.LENGTH || b[at] > '7') {
            return false;
        }
        for (int i = at; i < at + len; i++) {
            byte c = b[i];
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U')) {
                return false;
            }
        }
        return true;
    }

}
