package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter's byte lookups find exactly the strings it holds, whatever their length and wherever they sit. */
class RecordFilterTest {
    @Test
    void findsExactlyItsStringsOfEveryLengthAnywhereInABuffer() {
        List<String> keys = new ArrayList<>();
        for (int len = 1; len <= 70; len++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append((char) ('A' + (len * 7 + i * 13) % 26));
            }
            keys.add(sb.toString());
        }
        keys.add("arn:aws:iam::123456789012:user/caf\u00e9");
        RecordFilter filter = RecordFilter.of(keys, List.of("arn:aws:iam::123456789012:user/u7"));
        RecordFilter empty = RecordFilter.of(Set.of(), Set.of());

        for (String k : keys) {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < 9; at++) {
                byte[] buf = new byte[at + key.length + 11];
                java.util.Arrays.fill(buf, (byte) '"');
                System.arraycopy(key, 0, buf, at, key.length);
                assertThat(filter.isKey(buf, at, at + key.length)).as(k + " at " + at).isTrue();
                assertThat(filter.isArn(buf, at, at + key.length)).isFalse();
                assertThat(empty.isKey(buf, at, at + key.length)).isFalse();
                assertThat(filter.isKey(buf, at, at + key.length - 1)).as("cut " + k).isEqualTo(keys.contains(k.substring(0, k.length() - 1)));
                for (int i = 0; i < key.length; i++) {
                    byte was = buf[at + i];
                    buf[at + i] ^= 1;
                    String changed = new String(buf, at, key.length, StandardCharsets.UTF_8);
                    assertThat(filter.isKey(buf, at, at + key.length)).as(changed).isEqualTo(keys.contains(changed));
                    buf[at + i] = was;
                }
            }
        }
        byte[] arn = "x\"arn:aws:iam::123456789012:user/u7\"".getBytes(StandardCharsets.US_ASCII);
        assertThat(filter.isArn(arn, 2, arn.length - 1)).isTrue();
        assertThat(filter.isKey(arn, 2, arn.length - 1)).isFalse();
    }

    @Test
    void theUserNamesOfItsIamUserArnsAreWatchedAndNothingElse() {
        RecordFilter filter = RecordFilter.of(Set.of("AKIAWATCHED000000001"), List.of(
                "arn:aws:iam::123456789012:user/ci/billing/svc-deploy", "arn:aws-cn:iam::123456789012:user/cn-user",
                "arn:aws:iam::123456789012:role/admin", "arn:aws:sts::123456789012:assumed-role/r/session",
                "arn:aws:s3:::user/bucket-user", "arn:aws:iam::123456789012:user/"));
        for (String watched : List.of("svc-deploy", "cn-user")) {
            assertThat(filter.test(naming(watched))).as(watched).isTrue();
        }
        for (String other : List.of("billing", "ci", "admin", "session", "bucket-user", "", "svc-deplo", "Svc-deploy")) {
            assertThat(filter.test(naming(other))).as(other).isFalse();
        }
        assertThat(filter.toString()).contains("2 user names");
    }

    private static CloudTrailRecord naming(String user) {
        return new CloudTrailRecord("e", null, "iam.amazonaws.com", "GetUser", null, null, null, null, null, null, null,
                null, null, null, new RequestParameters(user, null, null));
    }

    /**
     * Two access key ids with the same 32-bit hash (with 100,000 canaries about one lookup in 40,000 meets one): each
     * is found when the set holds it, and neither is taken for the other, through every lookup the fast path makes.
     */
    @Test
    void valuesWithTheSameHashAreToldApart() {
        java.util.Map<Integer, String> seen = new java.util.HashMap<>();
        java.util.Random random = new java.util.Random(22);
        String a = null;
        String b = null;
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        while (a == null) {
            StringBuilder sb = new StringBuilder("AKIA");
            for (int i = 0; i < 16; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String k = sb.toString();
            byte[] kb = k.getBytes(StandardCharsets.US_ASCII);
            String other = seen.putIfAbsent(RecordFilter.hashOf(kb, 0, kb.length), k);
            if (other != null && !other.equals(k)) {
                a = other;
                b = k;
            }
        }
        byte[] ab = a.getBytes(StandardCharsets.US_ASCII);
        byte[] bb = b.getBytes(StandardCharsets.US_ASCII);
        assertThat(RecordFilter.hashOf(ab, 0, ab.length)).isEqualTo(RecordFilter.hashOf(bb, 0, bb.length));

        RecordFilter onlyA = RecordFilter.of(List.of(a), List.of());
        assertThat(onlyA.isKey(ab, 0, ab.length)).isTrue();
        assertThat(onlyA.keyBit(ab, 0, ab.length)).isEqualTo(1);
        assertThat(onlyA.isKey(bb, 0, bb.length)).as(b + " shares the hash of " + a).isFalse();
        assertThat(onlyA.keyBit(bb, 0, bb.length)).isZero();

        // both, among many others (long probes): each found, in either order of insertion
        List<String> many = new ArrayList<>(seen.values());
        many.add(a);
        many.add(b);
        for (List<String> keys : List.of(many, List.of(b, a), List.of(a, b))) {
            RecordFilter.Builder sized = RecordFilter.builder(keys.size(), keys.size() * 20L, 0, 0);
            keys.forEach(sized::accessKeyId);
            RecordFilter both = sized.build();
            assertThat(both.keyBit(ab, 0, ab.length)).isEqualTo(1);
            assertThat(both.keyBit(bb, 0, bb.length)).isEqualTo(1);
            assertThat(both.arnBit(ab, 0, ab.length)).isZero();
            assertThat(both.userNameBit(ab, 0, ab.length)).isZero();
        }
        RecordFilter manyFilter = RecordFilter.of(many, List.of());
        for (int i = 0; i < 2000; i++) {
            String k = many.get(i);
            byte[] kb = k.getBytes(StandardCharsets.US_ASCII);
            assertThat(manyFilter.keyBit(kb, 0, kb.length)).as(k).isEqualTo(1);
            kb[kb.length - 1] = (byte) '1'; // not in the alphabet: never one of them
            assertThat(manyFilter.keyBit(kb, 0, kb.length)).isZero();
        }
    }

    /** Lookups of odd lengths (empty, longer than any value can be) find nothing and do not read past the set. */
    @Test
    void emptyAndHugeValuesAreNotFound() {
        RecordFilter filter = RecordFilter.of(List.of("AKIAIOSFODNN7EXAMPLE"), List.of("arn:aws:iam::1:user/u"));
        byte[] huge = new byte[0x10000 + 5];
        java.util.Arrays.fill(huge, (byte) 'A');
        for (int len : new int[] {0, 1, 0xFFFE, 0xFFFF, 0x10000}) {
            assertThat(filter.keyBit(huge, 5, 5 + len)).as("length " + len).isZero();
            assertThat(filter.arnBit(huge, 5, 5 + len)).isZero();
            assertThat(filter.userNameBit(huge, 5, 5 + len)).isZero();
        }
        byte[] u = "u".getBytes(StandardCharsets.US_ASCII);
        assertThat(filter.userNameBit(u, 0, 1)).isEqualTo(1);
    }
}
