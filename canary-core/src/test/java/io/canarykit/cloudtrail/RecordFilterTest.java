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
}
