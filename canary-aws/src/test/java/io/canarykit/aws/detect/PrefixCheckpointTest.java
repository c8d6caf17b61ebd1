package io.canarykit.aws.detect;

import io.canarykit.aws.detect.CloudTrailS3Detector.PrefixCheckpoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixCheckpointTest {
    static String file(String time, String unique) {
        return "123456789012_CloudTrail_us-east-1_20250314T" + time + "Z_" + unique + ".json.gz";
    }

    @Test
    void theWatermarkMovesOnlyOverDoneFilesOlderThanTheSettleTime() {
        String a = file("0900", "aaaa");
        String b = file("0905", "bbbb");
        String c = file("0910", "cccc");
        String d = file("0955", "dddd");
        Instant cutoff = Instant.parse("2025-03-14T09:30:00Z");

        PrefixCheckpoint cp = PrefixCheckpoint.compact(null, new TreeSet<>(Set.of(a, c, d)), List.of(a, b, c, d), cutoff);

        assertThat(cp.after()).as("b is not done yet: stop before it").isEqualTo(a);
        assertThat(cp.done()).containsExactlyInAnyOrder(c, d);

        PrefixCheckpoint later = PrefixCheckpoint.compact(cp.after(), new TreeSet<>(Set.of(b, c, d)), List.of(b, c, d), cutoff);
        assertThat(later.after()).as("d is too recent: a file named before it may still arrive").isEqualTo(c);
        assertThat(later.done()).containsExactly(d);
    }

    @Test
    void aLateFileNamedBeforeDoneOnesIsStillRead() {
        String early = file("0900", "zzzz");
        String late = file("0900", "aaaa"); // same minute, smaller suffix, delivered later
        Instant cutoff = Instant.parse("2025-03-14T08:00:00Z"); // nothing has settled yet

        PrefixCheckpoint cp = PrefixCheckpoint.compact(null, new TreeSet<>(Set.of(early)), List.of(early), cutoff);

        assertThat(cp.after()).isNull();
        assertThat(cp.done()).containsExactly(early);
        assertThat(cp.done()).doesNotContain(late);
    }

    @Test
    void encodesAndDecodes() {
        PrefixCheckpoint cp = new PrefixCheckpoint(file("0900", "a"), Set.of(file("0905", "b"), file("0910", "c")));
        assertThat(PrefixCheckpoint.decode(cp.encode())).isEqualTo(cp);
        assertThat(PrefixCheckpoint.decode(null)).isEqualTo(PrefixCheckpoint.EMPTY);
        assertThat(CloudTrailS3Detector.fileTime(file("0905", "b"))).isEqualTo(Instant.parse("2025-03-14T09:05:00Z"));
        assertThat(CloudTrailS3Detector.fileTime("digest.json")).isNull();
    }
}
