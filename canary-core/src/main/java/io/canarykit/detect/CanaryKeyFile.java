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
     * The canaries of a file, with a lookup from key back to label.
     *
     * @since 0.1.0
     */
    public static final class Canaries {
        private final List<Entry> entries;
        private final List<CanaryKey> keys;
        private final Map<CanaryId, String> labels;
        private final RecordFilter filter; // built while reading, or null

        private Canaries(List<Entry> entries, List<CanaryKey> keys, Map<CanaryId, String> labels, RecordFilter filter) {
            // lists no one else holds: wrapped, not copied (copying checks 100,000 elements for null, cold)
            this.entries = java.util.Collections.unmodifiableList(entries);
            this.keys = java.util.Collections.unmodifiableList(keys);
            this.labels = labels;
            this.filter = filter;
        }

        /** Every entry, in file order. */
        public List<Entry> entries() {
            return entries;
        }

        /** The keys, in file order. */
        public List<CanaryKey> keys() {
            return keys;
        }

        /**
         * An index of these canaries matching validity windows exactly: the same as {@code CanaryIndex.of(keys())},
         * built with what reading the file already gathered (for a large file, its record filter was built while the
         * entries were put together).
         */
        public CanaryIndex index() {
            return filter == null ? CanaryIndex.of(keys) : CanaryIndex.prefiltered(keys, filter);
        }

        /** The id as the file spells it. */
        public String label(CanaryKey key) {
            return labels.isEmpty() ? key.canaryId().value() : labels.getOrDefault(key.canaryId(), key.canaryId().value());
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
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new CanaryConfigurationException("canaries file " + file + " is too large (" + size + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("canaries file " + file + " does not exist");
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
        }
        int pieces = bytes.length < (1 << 20) ? 1 : parallelism;
        int[] starts = new int[pieces + 1];
        starts[pieces] = bytes.length;
        for (int i = 1; i < pieces; i++) {
            int at = Math.max(starts[i - 1], (int) ((long) bytes.length * i / pieces));
            while (at < bytes.length && bytes[at - 1] != '\n') {
                at++;
            }
            starts[i] = at;
        }
        List<Piece> parts = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            parts.add(new Piece(file, bytes, starts[i], starts[i + 1], i));
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
        // the record filter (what a scan needs first) is built beside the merge, on another thread
        FilterTask filter = null;
        boolean allRead = true;
        for (Piece part : parts) {
            allRead &= part.failure == null;
        }
        if (pieces > 1 && allRead) {
            filter = new FilterTask(parts);
            filter.start();
        }
        Merge merge = new Merge(file, parts);
        for (Piece part : parts) {
            // the entries a piece read before its problem come first in the file, so they are checked first
            for (int i = 0; i < part.entries.size(); i++) {
                merge.add(part, i);
            }
            if (part.failure != null) {
                throw part.failure;
            }
        }
        return new Canaries(merge.entries, merge.keys, merge.labels, filter == null ? null : filter.result(file));
    }

    /** Builds the record filter of the pieces' access key ids and ARNs (in file order) on a thread of its own. */
    private static final class FilterTask extends Thread {
        private final List<Piece> parts;
        private volatile RecordFilter filter;
        private volatile RuntimeException failure;

        FilterTask(List<Piece> parts) {
            super("canary-key-filter");
            setDaemon(true);
            this.parts = parts;
        }

        @Override
        public void run() {
            try {
                List<String> keys = new ArrayList<>();
                List<String> arns = new ArrayList<>();
                for (Piece part : parts) {
                    keys.addAll(part.accessKeyIds);
                    arns.addAll(part.arns);
                }
                filter = RecordFilter.of(keys, arns);
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
            if (failure != null) {
                throw failure;
            }
            return filter;
        }
    }

    /**
     * The pieces' entries put together in file order, checked for ids that appear twice. (One call per entry: the
     * loops over 100,000 entries run compiled code from the start instead of waiting for the JIT to replace them.)
     */
    private static final class Merge {
        private final Path file;
        private final List<Piece> parts;
        final List<Entry> entries;
        final List<CanaryKey> keys;
        final Map<CanaryId, String> labels = new HashMap<>();
        private final IdSet seen;

        Merge(Path file, List<Piece> parts) {
            this.file = file;
            this.parts = parts;
            int total = 0;
            for (Piece part : parts) {
                total += part.entries.size();
            }
            entries = new ArrayList<>(total);
            keys = new ArrayList<>(total);
            seen = new IdSet(total);
        }

        void add(Piece part, int i) {
            Entry e = part.entries.get(i);
            CanaryKey key = e.key();
            String id = key.canaryId().value();
            int before = seen.add(id, entries.size());
            if (before >= 0) {
                throw new CanaryConfigurationException("canaries file " + file + " line " + part.line(i)
                        + ": canaryId " + e.label() + " appears twice (also on line " + lineOf(parts, before) + ")");
            }
            entries.add(e);
            keys.add(key);
            if (e.label() != id && !e.label().equals(id)) {
                labels.put(key.canaryId(), e.label());
            }
        }
    }

    /** The line of the {@code n}th entry of the file (counting from 0 over all pieces). */
    private static long lineOf(List<Piece> parts, int n) {
        for (Piece part : parts) {
            if (n < part.entries.size()) {
                return part.line(n);
            }
            n -= part.entries.size();
        }
        throw new IllegalStateException("no entry " + n);
    }

    /**
     * The canary ids seen so far (open addressing over their strings, each slot holding an entry's number): checking
     * 100,000 ids for duplicates without boxing or hashing records.
     */
    private static final class IdSet {
        private final String[] ids;
        private final int[] numbers;
        private final int mask;

        IdSet(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2)) << 1;
            ids = new String[cap];
            numbers = new int[cap];
            mask = cap - 1;
        }

        /** Adds {@code id} as entry {@code number}; returns the number of the entry that already had it, or -1. */
        int add(String id, int number) {
            int h = id.hashCode();
            for (int i = (h ^ (h >>> 16)) & mask; ; i = (i + 1) & mask) {
                String there = ids[i];
                if (there == null) {
                    ids[i] = id;
                    numbers[i] = number;
                    return -1;
                }
                if (there.equals(id)) {
                    return numbers[i];
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

    /** One piece of the file, parsed on its own. */
    private static final class Piece implements Runnable {
        private final Path file;
        private final byte[] bytes;
        private final int from;
        private final int to;
        private final int index;
        final List<Entry> entries = new ArrayList<>();
        final List<String> accessKeyIds = new ArrayList<>();
        final List<String> arns = new ArrayList<>();
        private int[] lines = new int[1024];
        private long firstLine = -1;
        private final Random ids;
        private final int[] ranges = new int[2 * FIELDS.length];
        private final Where where = new Where(this);
        private final Times times = new Times();
        CanaryConfigurationException failure;

        Piece(Path file, byte[] bytes, int from, int to, int index) {
            this.file = file;
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            this.index = index;
            this.ids = new Random(index);
        }

        /** How many lines of the file come before this piece (counted only when an error message needs it). */
        long firstLine() {
            if (firstLine < 0) {
                long n = 0;
                for (int i = 0; i < from; i++) {
                    if (bytes[i] == '\n') {
                        n++;
                    }
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
            try {
                int at = from;
                while (at < to) {
                    at = readLine(at);
                }
            } catch (CanaryConfigurationException e) {
                failure = e;
            }
        }

        /** Reads the line that starts at {@code at}; returns where the next one starts. */
        private int readLine(int at) {
            where.line++;
            int end = simple(bytes, at, to, ranges);
            Entry e;
            if (end >= 0) {
                e = build(text(0), text(1), text(2), time(0), time(1), where, ids, times);
            } else {
                end = at;
                while (end < to && bytes[end] != '\n') {
                    end++;
                }
                e = blank(bytes, at, end) ? null : general(bytes, at, end, where, ids);
            }
            if (e != null) {
                if (entries.size() == lines.length) {
                    lines = java.util.Arrays.copyOf(lines, lines.length * 2);
                }
                lines[entries.size()] = where.line;
                entries.add(e);
                if (e.key().accessKeyId() != null) {
                    accessKeyIds.add(e.key().accessKeyId());
                }
                if (e.key().principalArn() != null) {
                    arns.add(e.key().principalArn());
                }
            }
            return end + 1;
        }

        /** The value of field {@code f} that {@link #simple} found, or null. */
        private String text(int f) {
            return ranges[2 * f] < 0 ? null : ascii(bytes, ranges[2 * f], ranges[2 * f + 1]);
        }

        /** The value of the time field in {@code slot} (issuedAt, expiresAt) that {@link #simple} found, or null. */
        private String time(int slot) {
            int f = 3 + slot;
            return ranges[2 * f] < 0 ? null : times.text(slot, bytes, ranges[2 * f], ranges[2 * f + 1]);
        }

        /** One line through Jackson: anything the fast reading of {@link #simple} does not take. */
        private Entry general(byte[] b, int from, int to, Object where, Random ids) {
            try (JsonParser p = Json.FACTORY.createParser(b, from, to - from)) {
                JsonToken t = p.nextToken();
                Entry e = parse(p, t, where, ids);
                if (p.nextToken() != null) {
                    throw new CanaryConfigurationException(where + "more than one JSON value on the line");
                }
                return e;
            } catch (JsonProcessingException e) {
                throw new CanaryConfigurationException(where + "not JSON (" + e.getOriginalMessage() + ")");
            } catch (IOException e) {
                throw new CanaryConfigurationException(where + e.getMessage(), e);
            }
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
        Instant instant(int slot, String v) {
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

    /** One object; its START_OBJECT is {@code t}, the current token. Leaves the parser on its END_OBJECT. */
    private static Entry parse(JsonParser p, JsonToken t, Object where, Random ids) throws IOException {
        String label = null;
        String key = null;
        String arn = null;
        String issued = null;
        String expires = null;
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
            switch (field) {
                case 0: label = text; break;
                case 1: key = text; break;
                case 2: arn = text; break;
                case 3: issued = text; break;
                default: expires = text; break;
            }
        }
        return build(label, key, arn, issued, expires, where, ids, null);
    }

    /** The entry of one line's values (already read from JSON); {@code times} (or null) caches time texts. */
    private static Entry build(String label, String key, String arn, String issued, String expires, Object where,
                               Random ids, Times times) {
        if (label == null) {
            throw new CanaryConfigurationException(where + "canaryId is missing");
        }
        Instant issuedAt = time(issued, "issuedAt", where, true, times, 0);
        Instant expiresAt = time(expires, "expiresAt", where, false, times, 1);
        if (key == null && arn == null) {
            throw new CanaryConfigurationException(where + "give an accessKeyId or a principalArn");
        }
        if (expiresAt != null && expiresAt.isBefore(issuedAt)) {
            throw new CanaryConfigurationException(where + "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
        }
        CanaryId id;
        if (isPlainId(label)) {
            id = new CanaryId(label); // what parse gives: nothing to trim or upper-case
        } else {
            try {
                id = CanaryId.parse(label);
            } catch (CanaryConfigurationException notOurs) {
                id = CanaryId.generate(issuedAt, ids);
            }
        }
        return new Entry(label, new CanaryKey(id, key, arn, issuedAt, expiresAt));
    }

    /** True if {@code s} is a canary id as {@link CanaryId#parse} would leave it: 26 upper-case Crockford characters. */
    private static boolean isPlainId(String s) {
        if (s.length() != CanaryId.LENGTH || s.charAt(0) > '7') {
            return false;
        }
        for (int i = 0; i < CanaryId.LENGTH; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U')) {
                return false;
            }
        }
        return true;
    }

    private static Instant time(String v, String field, Object where, boolean required, Times times, int slot) {
        if (v == null) {
            if (required) {
                throw new CanaryConfigurationException(where + field + " is missing");
            }
            return null;
        }
        Instant t = times == null ? CloudTrailTimes.parse(v) : times.instant(slot, v);
        if (t == null) {
            throw new CanaryConfigurationException(where + field + " '" + v + "' is not a time such as 2025-03-14T09:26:53Z");
        }
        return t;
    }
}
