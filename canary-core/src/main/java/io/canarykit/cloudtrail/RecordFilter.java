package io.canarykit.cloudtrail;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;

/**
 * Which records a caller wants: those signed with one of a set of access key ids, or made by (or in a session issued
 * by) one of a set of principal ARNs, or naming one of those ARNs' IAM users in {@code requestParameters.userName}
 * (AWS attaching its quarantine policy to a user whose key was published names the user, never the key). Reading with a filter ({@link CloudTrailReader#read(java.nio.file.Path,
 * RecordFilter, java.util.function.Consumer)}) counts and checks every record but hands over only these, which lets
 * the reader skip decoding the others: scanning gigabytes of logs for a set of canaries.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RecordFilter {
    private final ByteSet keys;
    private final ByteSet arns;
    private final ByteSet users;

    private RecordFilter(ByteSet keys, ByteSet arns, ByteSet users) {
        this.keys = keys;
        this.arns = arns;
        this.users = users;
    }

    /**
     * Records signed with one of {@code accessKeyIds}, or whose caller or session issuer is one of {@code arns}, or
     * whose {@code requestParameters.userName} is the name of an IAM user among {@code arns}.
     */
    public static RecordFilter of(Collection<String> accessKeyIds, Collection<String> arns) {
        Objects.requireNonNull(accessKeyIds, "accessKeyIds");
        Objects.requireNonNull(arns, "arns");
        Builder b = builder(accessKeyIds.size(), arns.size());
        for (String k : accessKeyIds) {
            b.accessKeyId(k);
        }
        for (String a : arns) {
            b.arn(a);
        }
        return b.build();
    }

    /**
     * A builder for a filter of about {@code accessKeyIds} keys and {@code arns} ARNs (it grows beyond): what reads
     * canaries in bulk uses it to add each one's bytes without making strings of them.
     */
    public static Builder builder(int accessKeyIds, int arns) {
        return new Builder(accessKeyIds, arns, accessKeyIds * 24L, arns * 24L);
    }

    /**
     * A builder for a filter of {@code accessKeyIds} keys of {@code accessKeyIdBytes} bytes in all and {@code arns}
     * ARNs of {@code arnBytes} bytes in all (it grows beyond): with the sizes known, its tables are allocated once, at
     * their final size, instead of growing by copies (what loading 100,000 canaries into a small heap needs).
     *
     * @throws IllegalArgumentException if a number is negative
     */
    public static Builder builder(int accessKeyIds, long accessKeyIdBytes, int arns, long arnBytes) {
        if (accessKeyIds < 0 || arns < 0 || accessKeyIdBytes < 0 || arnBytes < 0) {
            throw new IllegalArgumentException("negative size: " + accessKeyIds + " keys of " + accessKeyIdBytes
                    + " bytes, " + arns + " ARNs of " + arnBytes + " bytes");
        }
        return new Builder(accessKeyIds, arns, accessKeyIdBytes, arnBytes);
    }

    /**
     * Builds a {@link RecordFilter}; not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final ByteSet keys;
        private final ByteSet arns;
        private final ByteSet users;
        private boolean built;

        private Builder(int accessKeyIds, int arns, long keyBytes, long arnBytes) {
            // each value takes its bytes and two length bytes in its set's arena; an IAM user's name is part of its ARN
            this.keys = new ByteSet(accessKeyIds, keyBytes + 2L * accessKeyIds);
            this.arns = new ByteSet(arns, arnBytes + 2L * arns);
            // a user name is its ARN less at least "arn:" ":iam::" ":user/" (16 bytes): at most as many, and shorter
            this.users = new ByteSet(arns, Math.max(0, arnBytes - 16L * arns) + 2L * arns);
        }

        /** Adds an access key id. */
        public Builder accessKeyId(String v) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            return accessKeyId(b, 0, b.length);
        }

        /** Adds the access key id whose UTF-8 bytes are {@code b[off, off+len)} (copied). */
        public Builder accessKeyId(byte[] b, int off, int len) {
            check();
            keys.add(b, off, len);
            return this;
        }

        /** Adds a principal ARN (an IAM user's ARN also adds its user name, see {@link RecordFilter}). */
        public Builder arn(String v) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            return arn(b, 0, b.length);
        }

        /** Adds the principal ARN whose UTF-8 bytes are {@code b[off, off+len)} (copied), as {@link #arn(String)}. */
        public Builder arn(byte[] b, int off, int len) {
            check();
            arns.add(b, off, len);
            int name = userNameAt(b, off, len);
            if (name >= 0) {
                users.add(b, name, off + len - name);
            }
            return this;
        }

        private void check() {
            if (built) {
                throw new IllegalStateException("this builder has built its filter already");
            }
        }

        /** The filter; the builder cannot be used afterwards. */
        public RecordFilter build() {
            check();
            built = true;
            keys.seal();
            arns.seal();
            users.seal();
            return new RecordFilter(keys, arns, users);
        }
    }

    /**
     * Where the user name starts in the IAM user ARN {@code b[off, off+len)}
     * ({@code arn:PARTITION:iam::ACCOUNT:user/[PATH/]NAME}), or -1 if it is no IAM user's ARN.
     */
    static int userNameAt(byte[] b, int off, int len) {
        int end = off + len;
        int colons = 0;
        int i = off;
        while (i < end && colons < 5) {
            if (b[i++] == ':') {
                colons++;
            }
        }
        if (colons < 5 || end - off < 8 || b[off] != 'a' || b[off + 1] != 'r' || b[off + 2] != 'n' || b[off + 3] != ':'
                || !java.util.Arrays.equals(b, i, Math.min(end, i + 5), USER_PREFIX, 0, 5)) {
            return -1;
        }
        int service = off + 4;
        while (service < end && b[service] != ':') {
            service++;
        }
        if (end - service < 5 || b[service + 1] != 'i' || b[service + 2] != 'a' || b[service + 3] != 'm'
                || b[service + 4] != ':') {
            return -1;
        }
        int name = end;
        while (name > i + 5 && b[name - 1] != '/') {
            name--;
        }
        return name < end ? name : -1;
    }

    private static final byte[] USER_PREFIX = "user/".getBytes(StandardCharsets.US_ASCII);

    /** True if the record is one the filter wants. */
    public boolean test(CloudTrailRecord r) {
        RequestParameters rp = r.requestParameters();
        if (rp != null && rp.userName() != null && users.contains(rp.userName())) {
            return true;
        }
        UserIdentity ui = r.userIdentity();
        if (ui == null) {
            return false;
        }
        if (ui.accessKeyId() != null && keys.contains(ui.accessKeyId())) {
            return true;
        }
        if (ui.arn() != null && arns.contains(ui.arn())) {
            return true;
        }
        SessionIssuer si = ui.sessionIssuer();
        return si != null && si.arn() != null && arns.contains(si.arn());
    }

    /** The 32-bit hash the sets file {@code b[from, to)} under (for tests of values that share one). */
    static int hashOf(byte[] b, int from, int to) {
        return ByteSet.hash(b, from, to);
    }

    /** True if the ASCII bytes {@code b[from, to)} are one of the access key ids. */
    boolean isKey(byte[] b, int from, int to) {
        return keys.contains(b, from, to);
    }

    /**
     * 1 if the bytes {@code b[from, to)} are one of the access key ids, else 0: {@link #isKey} as a number, for the
     * fast path, which adds it up instead of branching on it (see {@link ByteSet#find}).
     */
    int keyBit(byte[] b, int from, int to) {
        return keys.find(b, from, to);
    }

    /** 1 if the bytes {@code b[from, to)} are one of the ARNs, else 0 (see {@link #keyBit}). */
    int arnBit(byte[] b, int from, int to) {
        return arns.find(b, from, to);
    }

    /** 1 if the bytes {@code b[from, to)} are the name of one of the ARNs' IAM users, else 0 (see {@link #keyBit}). */
    int userNameBit(byte[] b, int from, int to) {
        return users.find(b, from, to);
    }

    /** True if the ASCII bytes {@code b[from, to)} are one of the ARNs. */
    boolean isArn(byte[] b, int from, int to) {
        return arns.contains(b, from, to);
    }

    /** True if the ASCII bytes {@code b[from, to)} are the name of one of the ARNs' IAM users. */
    boolean isUserName(byte[] b, int from, int to) {
        return users.contains(b, from, to);
    }

    @Override
    public String toString() {
        return "RecordFilter[" + keys.size + " access key ids, " + arns.size + " ARNs, " + users.size + " user names]";
    }

    /**
     * An open-addressing hash set of byte strings kept in one array (no object per string; about one and a half slots
     * per string), looked up without allocating. Nearly every lookup is a miss (a key that is no canary's): a bit per
     * slot of a table small enough for the CPU cache answers most of them, and the hashes of the stored strings the
     * rest, so the strings themselves are touched only on a real match.
     */
    private static final class ByteSet {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final long SEED = 0x6A09E667F3BCC908L;
        /** The length an empty slot reads as: no value is this long. */
        private static final int EMPTY_LENGTH = 0xFFFF;

        private int[] hashes;
        private int[] starts; // where each slot's string starts in the arena (after its two length bytes); 0: empty
        private byte[] arena;
        // bytes of the arena in use: the first two are the length 0xFFFF that find reads for an empty slot (a start
        // of 0 means "empty"; no string is that long), the first string's length bytes follow
        private int used = 2;
        private long[] bloom;
        private int bloomMask;
        private int size;

        ByteSet(int expected, long bytes) {
            allocate(expected);
            arena = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(64, bytes + 2 + 8))];
            arena[0] = (byte) 0xFF;
            arena[1] = (byte) 0xFF;
        }

        private void allocate(int expected) {
            int cap = Math.max(4, expected * 2 + 1); // at most half full: short probes for values not in the set
            hashes = new int[cap];
            starts = new int[cap];
            int bloomBits = Integer.highestOneBit(Math.max(64, expected * 16)) << 1;
            bloom = new long[bloomBits >>> 6];
            bloomMask = bloomBits - 1;
        }

        private int slot(int hash) {
            return (int) (((hash & 0xFFFFFFFFL) * hashes.length) >>> 32);
        }

        private int after(int i) {
            int n = i + 1;
            return n & ((n - hashes.length) >> 31); // 0 after the last slot, without a branch
        }

        private int lengthAt(int start) {
            return (arena[start - 2] & 0xff) << 8 | arena[start - 1] & 0xff;
        }

        void add(byte[] b, int off, int len) {
            if (len >= EMPTY_LENGTH) {
                throw new IllegalArgumentException("a value of " + len + " bytes: longer than any access key id or ARN");
            }
            if ((size + 1) * 3 > hashes.length * 2) {
                grow();
            }
            int h = coldHash(b, off, len);
            int i = slot(h);
            while (starts[i] != 0) {
                if (hashes[i] == h && lengthAt(starts[i]) == len && java.util.Arrays.equals(arena, starts[i],
                        starts[i] + len, b, off, off + len)) {
                    return; // already there
                }
                i = after(i);
            }
            if (used + len + 2 + 8 > arena.length) {
                arena = java.util.Arrays.copyOf(arena, Math.max(arena.length * 2, used + len + 10));
            }
            arena[used] = (byte) (len >>> 8);
            arena[used + 1] = (byte) len;
            System.arraycopy(b, off, arena, used + 2, len);
            hashes[i] = h;
            starts[i] = used + 2;
            used += len + 2;
            size++;
            setBloom(h);
        }

        /** Sets the two bloom bits of hash {@code h}. */
        private void setBloom(int h) {
            int b1 = (h >>> 7) & bloomMask;
            int b2 = ((h * 0x9E3779B9) >>> 9) & bloomMask;
            bloom[b1 >>> 6] |= 1L << b1;
            bloom[b2 >>> 6] |= 1L << b2;
        }

        /** 1 if both bloom bits of hash {@code h} are set (the value may be in the set), else 0. */
        private long mayHave(int h) {
            int b1 = (h >>> 7) & bloomMask;
            int b2 = ((h * 0x9E3779B9) >>> 9) & bloomMask;
            return (bloom[b1 >>> 6] >>> b1) & (bloom[b2 >>> 6] >>> b2) & 1L;
        }

        /** More slots (and bloom bits), every string put in again. */
        private void grow() {
            int[] oldHashes = hashes;
            int[] oldStarts = starts;
            allocate(Math.max(size * 2, 8));
            for (int j = 0; j < oldHashes.length; j++) {
                if (oldStarts[j] != 0) {
                    int i = slot(oldHashes[j]);
                    while (starts[i] != 0) {
                        i = after(i);
                    }
                    hashes[i] = oldHashes[j];
                    starts[i] = oldStarts[j];
                    setBloom(oldHashes[j]);
                }
            }
        }

        /** Done adding: the arena shrinks to what it holds (plus a word's slack for reading whole words). */
        void seal() {
            if (arena.length > used + 8) {
                arena = java.util.Arrays.copyOf(arena, used + 8);
            }
        }

        /** True if {@code s} is in the set; an ASCII string is looked up without making its bytes. */
        boolean contains(String s) {
            if (size == 0) {
                return false;
            }
            int len = s.length();
            long h = SEED ^ len;
            int i = 0;
            for (; i + 8 <= len; i += 8) {
                long w = 0;
                for (int k = 7; k >= 0; k--) {
                    char c = s.charAt(i + k);
                    if (c >= 0x80) {
                        byte[] b = s.getBytes(StandardCharsets.UTF_8);
                        return contains(b, 0, b.length);
                    }
                    w = (w << 8) | c;
                }
                h = mix(h, w);
            }
            long tail = 0;
            for (int shift = 0; i < len; i++, shift += 8) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    return contains(b, 0, b.length);
                }
                tail |= (long) c << shift;
            }
            h = mix(h, tail);
            int hash = (int) (h ^ (h >>> 32));
            if (mayHave(hash) == 0) {
                return false;
            }
            for (int j = slot(hash); ; j = after(j)) {
                int start = starts[j];
                if (start == 0) {
                    return false;
                }
                if (hashes[j] == hash && lengthAt(start) == len && sameAscii(start, s)) {
                    return true;
                }
            }
        }

        private boolean sameAscii(int start, String s) {
            for (int k = 0; k < s.length(); k++) {
                if (arena[start + k] != (byte) s.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        boolean contains(byte[] b, int from, int to) {
            return find(b, from, to) != 0;
        }

        /**
         * 1 if {@code b[from, to)} is in the set, else 0, computed so that a value that is in the set takes the same
         * branches as one that only passes the bloom filter, or has the hash of another value (with 100,000 values,
         * about one lookup in 40,000 does): the JIT, which leaves out of what it compiles the branches it has never
         * seen taken and compiles again when one is taken after all, then compiles the fast path once, not again at
         * its first sighting or collision. Every slot the probe passes is compared whole; an empty one reads as a
         * string of length 0xFFFF (the arena's first two bytes), which no value has, and ends the probe.
         */
        int find(byte[] b, int from, int to) {
            int len = to - from;
            int h = hash(b, from, to);
            if (mayHave(h) == 0 || len >= EMPTY_LENGTH) {
                return 0;
            }
            for (int i = slot(h); ; i = after(i)) {
                int start = starts[i];
                int empty = ((start | -start) >>> 31) ^ 1;
                int at = start | (-empty & 2); // an empty slot reads the arena's first two bytes
                int stored = lengthAt(at);
                int diff = (stored ^ len) | (hashes[i] ^ h);
                int n = Math.min(len, stored) & (empty - 1); // no bytes compared for an empty slot
                int k = 0;
                long words = 0;
                for (int w = n & ~7; k < w; k += 8) {
                    words |= (long) LONGS.get(arena, at + k) ^ (long) LONGS.get(b, from + k);
                }
                for (; k < n; k++) {
                    diff |= arena[at + k] ^ b[from + k];
                }
                diff |= (int) (words | (words >>> 32));
                int found = ((diff | -diff) >>> 31) ^ 1;
                if ((found | empty) != 0) {
                    return found;
                }
            }
        }

        /**
         * The hash of {@code b[from, to)}, eight bytes at a time (an access key id is three steps, an ARN some seven,
         * instead of one per byte): the words little-endian, the last one padded with zeros.
         */
        private static int hash(byte[] b, int from, int to) {
            long h = SEED ^ (to - from);
            int i = from;
            for (; i + 8 <= to; i += 8) {
                h = mix(h, (long) LONGS.get(b, i));
            }
            long tail = 0;
            for (int shift = 0; i < to; i++, shift += 8) {
                tail |= (b[i] & 0xFFL) << shift;
            }
            h = mix(h, tail);
            return (int) (h ^ (h >>> 32));
        }

        /**
         * {@link #hash} with the words put together byte by byte: the same value, without the {@code VarHandle} that
         * is fast only once compiled (the set is built once, mostly by the interpreter).
         */
        private static int coldHash(byte[] b, int off, int len) {
            long h = SEED ^ len;
            int i = off;
            int to = off + len;
            for (; i + 8 <= to; i += 8) {
                h = mix(h, (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                        | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48
                        | (b[i + 7] & 0xFFL) << 56);
            }
            long tail = 0;
            for (int shift = 0; i < to; i++, shift += 8) {
                tail |= (b[i] & 0xFFL) << shift;
            }
            h = mix(h, tail);
            return (int) (h ^ (h >>> 32));
        }

        private static long mix(long h, long word) {
            h = (h ^ word) * 0x9E3779B97F4A7C15L;
            return h ^ (h >>> 29);
        }
    }
}
