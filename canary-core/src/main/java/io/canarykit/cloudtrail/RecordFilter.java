package io.canarykit.cloudtrail;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;

/**
 * Which records a caller wants: those signed with one of a set of access key ids, or made by (or in a session issued
 * by) one of a set of principal ARNs. Reading with a filter ({@link CloudTrailReader#read(java.nio.file.Path,
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

    private RecordFilter(Collection<String> accessKeyIds, Collection<String> arns) {
        this.keys = new ByteSet(accessKeyIds);
        this.arns = new ByteSet(arns);
    }

    /** Records signed with one of {@code accessKeyIds}, or whose caller or session issuer is one of {@code arns}. */
    public static RecordFilter of(Collection<String> accessKeyIds, Collection<String> arns) {
        Objects.requireNonNull(accessKeyIds, "accessKeyIds");
        Objects.requireNonNull(arns, "arns");
        return new RecordFilter(accessKeyIds, arns);
    }

    /** True if the record is one the filter wants. */
    public boolean test(CloudTrailRecord r) {
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

    /** True if the ASCII bytes {@code b[from, to)} are one of the access key ids. */
    boolean isKey(byte[] b, int from, int to) {
        return keys.contains(b, from, to);
    }

    /** True if the ASCII bytes {@code b[from, to)} are one of the ARNs. */
    boolean isArn(byte[] b, int from, int to) {
        return arns.contains(b, from, to);
    }

    @Override
    public String toString() {
        return "RecordFilter[" + keys.size + " access key ids, " + arns.size + " ARNs]";
    }

    /**
     * An open-addressing hash set of byte strings, looked up without allocating. Nearly every lookup is a miss (a key
     * that is no canary's): a bit per slot of a table small enough for the CPU cache answers most of them, and the
     * hashes of the stored strings the rest, so the strings themselves are touched only on a real match.
     */
    private static final class ByteSet {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final long SEED = 0x6A09E667F3BCC908L;

        private final int[] hashes;
        private final byte[][] values;
        private final long[] bloom;
        private final int mask;
        private final int bloomMask;
        private int size;

        ByteSet(Collection<String> in) {
            int cap = Integer.highestOneBit(Math.max(4, in.size() * 2)) << 1;
            hashes = new int[cap];
            values = new byte[cap][];
            mask = cap - 1;
            int bloomBits = Integer.highestOneBit(Math.max(64, in.size() * 16)) << 1;
            bloom = new long[bloomBits >>> 6];
            bloomMask = bloomBits - 1;
            for (String v : in) {
                add(v); // one call per value: compiled code from the start, however many there are
            }
        }

        private void add(String v) {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            int h = coldHash(bytes);
            int i = h & mask;
            while (values[i] != null && !(hashes[i] == h && java.util.Arrays.equals(values[i], bytes))) {
                i = (i + 1) & mask;
            }
            if (values[i] == null) {
                values[i] = bytes;
                hashes[i] = h;
                size++;
                int bit = (h >>> 7) & bloomMask;
                bloom[bit >>> 6] |= 1L << bit;
            }
        }

        boolean contains(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return contains(b, 0, b.length);
        }

        boolean contains(byte[] b, int from, int to) {
            if (size == 0) {
                return false;
            }
            int h = hash(b, from, to);
            int bit = (h >>> 7) & bloomMask;
            if ((bloom[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
            int len = to - from;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                byte[] e = values[i];
                if (e == null) {
                    return false;
                }
                if (hashes[i] == h && e.length == len && java.util.Arrays.equals(e, 0, len, b, from, to)) {
                    return true;
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
         * {@link #hash} of a whole array, with the words put together byte by byte: the same value, without the
         * {@code VarHandle} that is fast only once compiled (the set is built once, mostly by the interpreter).
         */
        private static int coldHash(byte[] b) {
            long h = SEED ^ b.length;
            int i = 0;
            for (; i + 8 <= b.length; i += 8) {
                h = mix(h, (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                        | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48
                        | (b[i + 7] & 0xFFL) << 56);
            }
            long tail = 0;
            for (int shift = 0; i < b.length; i++, shift += 8) {
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
