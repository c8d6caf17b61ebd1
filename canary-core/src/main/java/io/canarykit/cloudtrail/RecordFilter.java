package io.canarykit.cloudtrail;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Which records a caller wants: those signed with one of a set of access key ids, or made by (or in a session issued
 * by) one of a set of principal ARNs. Reading with a filter ({@link CloudTrailReader#read(java.nio.file.Path,
 * RecordFilter, java.util.function.Consumer)}) counts and checks every record but hands over only these, which lets
 * the reader skip decoding the others: scanning gigabytes of logs for a set of canaries.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordFilter {
    private final ByteSet keys;
    private final ByteSet arns;
    private final Set<String> keySet;
    private final Set<String> arnSet;

    private RecordFilter(Collection<String> accessKeyIds, Collection<String> arns) {
        this.keySet = Set.copyOf(accessKeyIds);
        this.arnSet = Set.copyOf(arns);
        this.keys = new ByteSet(keySet);
        this.arns = new ByteSet(arnSet);
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
        if (ui.accessKeyId() != null && keySet.contains(ui.accessKeyId())) {
            return true;
        }
        if (ui.arn() != null && arnSet.contains(ui.arn())) {
            return true;
        }
        SessionIssuer si = ui.sessionIssuer();
        return si != null && si.arn() != null && arnSet.contains(si.arn());
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
        return "RecordFilter[" + keySet.size() + " access key ids, " + arnSet.size() + " ARNs]";
    }

    /** An open-addressing hash set of byte strings, looked up without allocating. */
    private static final class ByteSet {
        private final byte[][] table;
        private final int mask;

        ByteSet(Set<String> values) {
            int cap = Integer.highestOneBit(Math.max(4, values.size() * 3)) << 1;
            table = new byte[cap][];
            mask = cap - 1;
            for (String v : values) {
                byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
                int i = hash(bytes, 0, bytes.length) & mask;
                while (table[i] != null) {
                    if (java.util.Arrays.equals(table[i], bytes)) {
                        break;
                    }
                    i = (i + 1) & mask;
                }
                table[i] = bytes;
            }
        }

        boolean contains(byte[] b, int from, int to) {
            int i = hash(b, from, to) & mask;
            int len = to - from;
            while (true) {
                byte[] e = table[i];
                if (e == null) {
                    return false;
                }
                if (e.length == len && java.util.Arrays.equals(e, 0, len, b, from, to)) {
                    return true;
                }
                i = (i + 1) & mask;
            }
        }

        private static int hash(byte[] b, int from, int to) {
            int h = 0x811c9dc5;
            for (int i = from; i < to; i++) {
                h = (h ^ b[i]) * 0x01000193;
            }
            return h ^ (h >>> 16);
        }
    }
}
