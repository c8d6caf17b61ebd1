package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.cloudtrail.RecordFilter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Canaries held in a few arrays instead of objects: the bytes of every label, access key id and ARN in one array, the
 * validity windows in arrays of numbers, and hash tables from access key id and from ARN to the rows that have it
 * (rows with the same value chained in order). 100,000 canaries take about 10 MB this way (some 500 bytes each as
 * objects), load in a fraction of the time, and leave a small heap for scanning. A row's {@link CanaryKey} is made
 * when it is first asked for (for a record that matches it), and kept.
 *
 * <p>Immutable once built, and thread-safe (the keys made on demand are published through a concurrent map).
 */
final class KeyTable {
    /** The label is a canarykit id as it stands. */
    static final byte ID_PLAIN = 0;
    /** The label is a canarykit id in another spelling (lower case, spaces around it). */
    static final byte ID_PARSED = 1;
    /** The label is no canarykit id: the row gets an id of its own, made from its issue time and row number. */
    static final byte ID_LABEL = 2;
    private static final long NO_END = Long.MAX_VALUE;
    private static final int NONE = -1;

    private final int size;
    private final byte[] arena;
    private final int[] rowAt;
    private final int[] labelLen;
    private final int[] keyLen; // -1: none
    private final int[] arnLen; // -1: none
    private final long[] fromSecond;
    private final int[] fromNano;
    private final long[] untilSecond; // NO_END: none
    private final int[] untilNano;
    private final byte[] idKind;
    private volatile @Nullable Lookup byKey;
    private volatile @Nullable Lookup byArn;
    private final CanaryKey[] keys;
    private final ConcurrentHashMap<CanaryId, Integer> rowOfId = new ConcurrentHashMap<>();

    private KeyTable(Builder b) {
        // the builder's arrays as they are, longer than needed or not: no second copy of every canary while loading
        // (the table reads only the first size rows; a builder's arrays are at most about a third longer)
        size = b.size;
        arena = b.arena;
        rowAt = b.rowAt;
        labelLen = b.labelLen;
        keyLen = b.keyLen;
        arnLen = b.arnLen;
        fromSecond = b.fromSecond;
        fromNano = b.fromNano;
        untilSecond = b.untilSecond;
        untilNano = b.untilNano;
        idKind = b.idKind;
        keys = b.given == null ? new CanaryKey[size] : Arrays.copyOf(b.given, size);
    }

    /** The lookup by access key id, built on first use (a scan needs only the filter until its first match). */
    private Lookup byKey() {
        Lookup l = byKey;
        if (l == null) {
            synchronized (this) {
                l = byKey;
                if (l == null) {
                    int[] start = new int[size];
                    for (int r = 0; r < size; r++) {
                        start[r] = rowAt[r] + labelLen[r];
                    }
                    l = new Lookup(arena, start, keyLen, size);
                    byKey = l;
                }
            }
        }
        return l;
    }

    /** The lookup by principal ARN, built on first use. */
    private Lookup byArn() {
        Lookup l = byArn;
        if (l == null) {
            synchronized (this) {
                l = byArn;
                if (l == null) {
                    int[] start = new int[size];
                    for (int r = 0; r < size; r++) {
                        start[r] = rowAt[r] + labelLen[r] + Math.max(keyLen[r], 0);
                    }
                    l = new Lookup(arena, start, arnLen, size);
                    byArn = l;
                }
            }
        }
        return l;
    }

    /** How many rows. */
    int size() {
        return size;
    }

    /** The first row (in order) whose access key id is {@code v}, or -1; the next ones with {@link #nextByKey}. */
    int firstByKey(String v) {
        return byKey().first(v);
    }

    /** The next row after {@code row} with the same access key id, or -1. */
    int nextByKey(int row) {
        return byKey().next[row];
    }

    /** The first row (in order) whose principal ARN is {@code v}, or -1; the next ones with {@link #nextByArn}. */
    int firstByArn(String v) {
        return byArn().first(v);
    }

    /** The next row after {@code row} with the same principal ARN, or -1. */
    int nextByArn(int row) {
        return byArn().next[row];
    }

    /**
     * The rows whose principal ARN ends with {@code "/" + name} (candidates for the IAM user {@code name}: the caller
     * checks the whole ARN), looked for in the arena without making a key of any other row.
     */
    int[] rowsWithArnEnding(String name) {
        byte[] n = ("/" + name).getBytes(StandardCharsets.UTF_8);
        int[] out = new int[4];
        int count = 0;
        for (int r = 0; r < size; r++) {
            int len = arnLen[r];
            if (len < n.length) {
                continue;
            }
            int end = rowAt[r] + labelLen[r] + Math.max(keyLen[r], 0) + len;
            if (Arrays.equals(arena, end - n.length, end, n, 0, n.length)) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, count * 2);
                }
                out[count++] = r;
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** The filter of every row's access key id and ARN, added as bytes. */
    RecordFilter filter() {
        int keyCount = 0;
        int arnCount = 0;
        long keyBytes = 0;
        long arnBytes = 0;
        for (int r = 0; r < size; r++) {
            keyCount += keyLen[r] >= 0 ? 1 : 0;
            arnCount += arnLen[r] >= 0 ? 1 : 0;
            keyBytes += Math.max(keyLen[r], 0);
            arnBytes += Math.max(arnLen[r], 0);
        }
        // sized exactly: no table grows by copies while the canaries are loaded (a 64 MB heap holds 100,000)
        RecordFilter.Builder f = RecordFilter.builder(keyCount, keyBytes, arnCount, arnBytes);
        for (int r = 0; r < size; r++) {
            addToFilter(f, r); // one call per row: compiled code from the start
        }
        return f.build();
    }

    private void addToFilter(RecordFilter.Builder f, int r) {
        int at = rowAt[r] + labelLen[r];
        if (keyLen[r] >= 0) {
            f.accessKeyId(arena, at, keyLen[r]);
            at += keyLen[r];
        }
        if (arnLen[r] >= 0) {
            f.arn(arena, at, arnLen[r]);
        }
    }

    /** Row {@code row}'s key, made on first use. */
    CanaryKey key(int row) {
        CanaryKey k = keys[row];
        if (k == null) {
            k = make(row);
            synchronized (keys) {
                if (keys[row] == null) {
                    keys[row] = k;
                    if (idKind[row] != ID_PLAIN) {
                        rowOfId.put(k.canaryId(), row);
                    }
                } else {
                    k = keys[row];
                }
            }
        }
        return k;
    }

    private CanaryKey make(int row) {
        Instant from = Instant.ofEpochSecond(fromSecond[row], fromNano[row]);
        Instant until = untilSecond[row] == NO_END ? null : Instant.ofEpochSecond(untilSecond[row], untilNano[row]);
        String label = label(row);
        CanaryId id;
        switch (idKind[row]) {
            case ID_PLAIN:
                id = new CanaryId(label);
                break;
            case ID_PARSED:
                id = CanaryId.parse(label);
                break;
            default:
                id = CanaryId.generate(from, new Random(0x5DEECE66DL ^ row));
                break;
        }
        int at = rowAt[row] + labelLen[row];
        String key = keyLen[row] < 0 ? null : text(at, keyLen[row]);
        String arn = arnLen[row] < 0 ? null : text(at + Math.max(keyLen[row], 0), arnLen[row]);
        return new CanaryKey(id, key, arn, from, until);
    }

    /** Row {@code row}'s label: the canary id as the file spells it. */
    String label(int row) {
        return text(rowAt[row], labelLen[row]);
    }

    /** The label of {@code key} if it is a key of this table, else its canary id. */
    String label(CanaryKey key) {
        Integer row = rowOfId.get(key.canaryId());
        return row == null ? key.canaryId().value() : label(row);
    }

    private String text(int at, int len) {
        return new String(arena, at, len, StandardCharsets.UTF_8);
    }

    /** Appends rows; not thread-safe. */
    static final class Builder {
        private byte[] arena;
        private int used;
        private int size;
        private int[] rowAt;
        private int[] labelLen;
        private int[] keyLen;
        private int[] arnLen;
        private long[] fromSecond;
        private int[] fromNano;
        private long[] untilSecond;
        private int[] untilNano;
        private byte[] idKind;
        private CanaryKey @Nullable [] given;

        Builder(int expected) {
            int n = Math.max(1, expected);
            arena = new byte[n * 64];
            rowAt = new int[n];
            labelLen = new int[n];
            keyLen = new int[n];
            arnLen = new int[n];
            fromSecond = new long[n];
            fromNano = new int[n];
            untilSecond = new long[n];
            untilNano = new int[n];
            idKind = new byte[n];
        }

        int size() {
            return size;
        }

        /**
         * Adds a row: the label, access key id and ARN as UTF-8 bytes ({@code keyLength}/{@code arnLength} -1 for
         * none), the window ({@code untilSecond} {@link Long#MAX_VALUE} for open) and what the label is.
         */
        void add(byte[] b, int labelAt, int labelLength, int keyAt, int keyLength, int arnAt, int arnLength,
                 Instant from, @Nullable Instant until, byte kind) {
            if (size == rowAt.length) {
                grow();
            }
            int need = labelLength + Math.max(keyLength, 0) + Math.max(arnLength, 0);
            if (used + need > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + need));
            }
            rowAt[size] = used;
            System.arraycopy(b, labelAt, arena, used, labelLength);
            used += labelLength;
            if (keyLength >= 0) {
                System.arraycopy(b, keyAt, arena, used, keyLength);
                used += keyLength;
            }
            if (arnLength >= 0) {
                System.arraycopy(b, arnAt, arena, used, arnLength);
                used += arnLength;
            }
            labelLen[size] = labelLength;
            keyLen[size] = keyLength;
            arnLen[size] = arnLength;
            fromSecond[size] = from.getEpochSecond();
            fromNano[size] = from.getNano();
            untilSecond[size] = until == null ? NO_END : until.getEpochSecond();
            untilNano[size] = until == null ? 0 : until.getNano();
            idKind[size] = kind;
            size++;
        }

        /** Adds a key as it is (its id as the label); {@link #key} then returns this very key. */
        void add(CanaryKey k) {
            byte[] id = k.canaryId().value().getBytes(StandardCharsets.UTF_8);
            byte[] key = k.accessKeyId() == null ? new byte[0] : k.accessKeyId().getBytes(StandardCharsets.UTF_8);
            byte[] arn = k.principalArn() == null ? new byte[0] : k.principalArn().getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[id.length + key.length + arn.length];
            System.arraycopy(id, 0, all, 0, id.length);
            System.arraycopy(key, 0, all, id.length, key.length);
            System.arraycopy(arn, 0, all, id.length + key.length, arn.length);
            if (given == null) {
                given = new CanaryKey[rowAt.length];
            }
            add(all, 0, id.length, id.length, k.accessKeyId() == null ? NONE : key.length, id.length + key.length,
                    k.principalArn() == null ? NONE : arn.length, k.validFrom(), k.validUntil(), ID_PLAIN);
            if (given.length < rowAt.length) {
                given = Arrays.copyOf(given, rowAt.length);
            }
            given[size - 1] = k;
        }

        /** The rows of {@code parts}, in order, in one builder (bulk copies). */
        static Builder concat(java.util.List<Builder> parts) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            int rows = 0;
            int bytes = 0;
            for (Builder p : parts) {
                rows += p.size;
                bytes += p.used;
            }
            Builder all = new Builder(0);
            all.arena = new byte[Math.max(bytes, 1)];
            all.rowAt = new int[rows];
            all.labelLen = new int[rows];
            all.keyLen = new int[rows];
            all.arnLen = new int[rows];
            all.fromSecond = new long[rows];
            all.fromNano = new int[rows];
            all.untilSecond = new long[rows];
            all.untilNano = new int[rows];
            all.idKind = new byte[rows];
            for (Builder p : parts) {
                int r0 = all.size;
                System.arraycopy(p.arena, 0, all.arena, all.used, p.used);
                for (int r = 0; r < p.size; r++) {
                    all.rowAt[r0 + r] = p.rowAt[r] + all.used;
                }
                System.arraycopy(p.labelLen, 0, all.labelLen, r0, p.size);
                System.arraycopy(p.keyLen, 0, all.keyLen, r0, p.size);
                System.arraycopy(p.arnLen, 0, all.arnLen, r0, p.size);
                System.arraycopy(p.fromSecond, 0, all.fromSecond, r0, p.size);
                System.arraycopy(p.fromNano, 0, all.fromNano, r0, p.size);
                System.arraycopy(p.untilSecond, 0, all.untilSecond, r0, p.size);
                System.arraycopy(p.untilNano, 0, all.untilNano, r0, p.size);
                System.arraycopy(p.idKind, 0, all.idKind, r0, p.size);
                all.size += p.size;
                all.used += p.used;
            }
            return all;
        }

        /** Appends row {@code r} of {@code o}. */
        void append(Builder o, int r) {
            int at = o.rowAt[r];
            int keyAt = at + o.labelLen[r];
            int arnAt = keyAt + Math.max(o.keyLen[r], 0);
            if (size == rowAt.length) {
                grow();
            }
            int need = o.labelLen[r] + Math.max(o.keyLen[r], 0) + Math.max(o.arnLen[r], 0);
            if (used + need > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + need));
            }
            rowAt[size] = used;
            System.arraycopy(o.arena, at, arena, used, need);
            used += need;
            labelLen[size] = o.labelLen[r];
            keyLen[size] = o.keyLen[r];
            arnLen[size] = o.arnLen[r];
            fromSecond[size] = o.fromSecond[r];
            fromNano[size] = o.fromNano[r];
            untilSecond[size] = o.untilSecond[r];
            untilNano[size] = o.untilNano[r];
            idKind[size] = o.idKind[r];
            size++;
        }

        /** The canonical id of row {@code r} for finding ids given twice, or null for a label that is no id. */
        @Nullable String canonicalId(int r) {
            if (idKind[r] == ID_LABEL) {
                return null;
            }
            String label = new String(arena, rowAt[r], labelLen[r], StandardCharsets.UTF_8);
            return idKind[r] == ID_PLAIN ? label : CanaryId.parse(label).value();
        }

        /** Row {@code r}'s label. */
        String label(int r) {
            return new String(arena, rowAt[r], labelLen[r], StandardCharsets.UTF_8);
        }

        /** Whether the label of row {@code r} is a canarykit id as it stands ({@link #ID_PLAIN}). */
        boolean plainId(int r) {
            return idKind[r] == ID_PLAIN;
        }

        /** The label bytes of row {@code r} are {@code arena()[labelAt(r), labelAt(r) + labelLength(r))}. */
        byte[] arena() {
            return arena;
        }

        int labelAt(int r) {
            return rowAt[r];
        }

        int labelLength(int r) {
            return labelLen[r];
        }

        private void grow() {
            int n = rowAt.length * 2;
            rowAt = Arrays.copyOf(rowAt, n);
            labelLen = Arrays.copyOf(labelLen, n);
            keyLen = Arrays.copyOf(keyLen, n);
            arnLen = Arrays.copyOf(arnLen, n);
            fromSecond = Arrays.copyOf(fromSecond, n);
            fromNano = Arrays.copyOf(fromNano, n);
            untilSecond = Arrays.copyOf(untilSecond, n);
            untilNano = Arrays.copyOf(untilNano, n);
            idKind = Arrays.copyOf(idKind, n);
        }

        /** The table, sharing this builder's arrays: add nothing to the builder afterwards. */
        KeyTable build() {
            return new KeyTable(this);
        }
    }

    /**
     * From a value (its bytes at {@code start[row]}, {@code length[row]} long, -1 for none) to the rows that have it:
     * open addressing over the first such row (about one and a half slots per value), the others chained in row order.
     */
    private static final class Lookup {
        private final byte[] arena;
        private final int[] start;
        private final int[] length;
        private final int[] slots; // first row + 1, 0 for empty
        final int[] next;

        Lookup(byte[] arena, int[] start, int[] length, int rows) {
            this.arena = arena;
            this.start = start;
            this.length = length;
            int values = 0;
            for (int r = 0; r < rows; r++) {
                if (length[r] >= 0) {
                    values++;
                }
            }
            slots = new int[Math.max(4, values + values / 2 + 1)];
            next = new int[rows];
            Arrays.fill(next, NONE);
            for (int r = rows - 1; r >= 0; r--) {
                put(r); // from the last row, each put in front: chains in row order
            }
        }

        private int slot(int hash) {
            return (int) (((hash & 0xFFFFFFFFL) * slots.length) >>> 32);
        }

        private int after(int i) {
            return i + 1 == slots.length ? 0 : i + 1;
        }

        private void put(int r) {
            if (length[r] < 0) {
                return;
            }
            int len = length[r];
            for (int i = slot(hash(arena, start[r], len)); ; i = after(i)) {
                if (slots[i] == 0) {
                    slots[i] = r + 1;
                    return;
                }
                int other = slots[i] - 1;
                if (length[other] == len
                        && Arrays.equals(arena, start[other], start[other] + len, arena, start[r], start[r] + len)) {
                    next[r] = other;
                    slots[i] = r + 1;
                    return;
                }
            }
        }

        /** The last value looked up and its row: the matches of an incident name the same key over and over. */
        private record Last(String value, int row) {
        }

        private @Nullable Last last; // racy by design: a Last is immutable, and any one seen is right

        int first(String v) {
            Last l = last;
            if (l != null && l.value.equals(v)) {
                return l.row;
            }
            int row = lookUp(v);
            last = new Last(v, row);
            return row;
        }

        private int lookUp(String v) {
            byte[] b = null;
            int len = v.length();
            for (int k = 0; k < len; k++) {
                if (v.charAt(k) >= 0x80) {
                    b = v.getBytes(StandardCharsets.UTF_8);
                    len = b.length;
                    break;
                }
            }
            int h = b != null ? hash(b, 0, len) : hash(v);
            for (int i = slot(h); slots[i] != 0; i = after(i)) {
                int r = slots[i] - 1;
                if (length[r] == len
                        && (b != null ? Arrays.equals(arena, start[r], start[r] + len, b, 0, len) : same(arena, start[r], v))) {
                    return r;
                }
            }
            return NONE;
        }

        /** True if {@code arena[at, at + ascii.length())} are the characters of {@code ascii} (all below 0x80). */
        private static boolean same(byte[] arena, int at, String ascii) {
            for (int k = 0; k < ascii.length(); k++) {
                if (arena[at + k] != (byte) ascii.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static int hash(byte[] b, int from, int len) {
            int h = 0x811C9DC5 ^ len;
            for (int i = from; i < from + len; i++) {
                h = (h ^ (b[i] & 0xff)) * 0x01000193;
            }
            return h ^ (h >>> 15) ^ (h << 7);
        }

        /** {@link #hash(byte[], int, int)} of an ASCII string's bytes. */
        private static int hash(String ascii) {
            int len = ascii.length();
            int h = 0x811C9DC5 ^ len;
            for (int i = 0; i < len; i++) {
                h = (h ^ ascii.charAt(i)) * 0x01000193;
            }
            return h ^ (h >>> 15) ^ (h << 7);
        }
    }
}
