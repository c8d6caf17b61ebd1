package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.canarykit.detect.Canaries.T0;
import static org.assertj.core.api.Assertions.assertThat;

class UnloggedUseRuleTest {
    private final UnloggedUseRule rule = UnloggedUseRule.create();
    private final CanaryRecord canary = Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0);
    private final Instant now = T0.plus(Duration.ofHours(6));

    @Test
    void aLastUseNoSightingExplainsIsAnUnloggedUse() {
        Instant lastUsed = T0.plus(Duration.ofHours(3));
        Sighting s = rule.evaluate("access-key-last-used", canary, lastUsed, "sqs", "eu-west-1", List.of(), now).orElseThrow();

        assertThat(s.kind()).isEqualTo(SightingKind.UNLOGGED_USE);
        assertThat(s.canaryId()).isEqualTo(canary.id());
        assertThat(s.time()).isEqualTo(lastUsed);
        assertThat(s.service()).isEqualTo("sqs");
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.accessKeyId()).isEqualTo(canary.accessKeyId());
        assertThat(s.sourceEventId()).isEqualTo("unlogged:AKIAQRSTUVWXYZ234567:" + lastUsed)
                .as("stable: polling again stores nothing new")
                .isEqualTo(rule.evaluate("access-key-last-used", canary, lastUsed, "sqs", "eu-west-1", List.of(), now.plusSeconds(600))
                        .orElseThrow().sourceEventId());
    }

    @Test
    void aSightingOrTheIssuersOwnCheckNearTheLastUseExplainsIt() {
        Instant lastUsed = T0.plus(Duration.ofHours(3));
        Sighting logged = Canaries.call("cloudtrail-s3", "e1", lastUsed.plus(Duration.ofMinutes(4)), canary).build();

        assertThat(rule.evaluate("x", canary, lastUsed, "iam", "us-east-1", List.of(logged), now)).isEmpty();
        assertThat(rule.evaluate("x", canary, T0.plusSeconds(2), "sts", "us-east-1", List.of(), now))
                .as("the self-use at issue").isEmpty();
        Sighting far = Canaries.call("cloudtrail-s3", "e2", lastUsed.plus(Duration.ofMinutes(40)), canary).build();
        assertThat(rule.evaluate("x", canary, lastUsed, "iam", "us-east-1", List.of(far), now)).isPresent();
    }

    @Test
    void aRecentLastUseWaitsForCloudTrailAndNoneIsNothing() {
        assertThat(rule.evaluate("x", canary, now.minus(Duration.ofMinutes(5)), "sqs", "N/A", List.of(), now)).isEmpty();
        assertThat(rule.evaluate("x", canary, now.minus(Duration.ofMinutes(25)), "sqs", "N/A", List.of(), now))
                .get().satisfies(s -> assertThat(s.region()).as("N/A is unknown").isNull());
        assertThat(rule.evaluate("x", canary, null, "N/A", "N/A", List.of(), now)).isEmpty();
        assertThat(rule.evaluate("x", canary, T0.minus(Duration.ofDays(3)), "iam", "us-east-1", List.of(), now))
                .as("before the key existed").isEmpty();
    }
}
