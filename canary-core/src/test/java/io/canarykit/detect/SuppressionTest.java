package io.canarykit.detect;

import io.canarykit.Alert;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.MutableClock;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.SuppressionDigest;
import io.canarykit.alert.SuppressionRule;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.canarykit.detect.Canaries.T0;
import static io.canarykit.detect.Canaries.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Suppressed sightings are stored, counted and listed in the period's digest, sent once: nothing disappears. */
class SuppressionTest {
    private final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final ListDetector s3 = new ListDetector("cloudtrail-s3");

    /** An alert sink that also takes digests. */
    static final class DigestSink implements AlertSink {
        final List<Alert> alerts = new ArrayList<>();
        final List<SuppressionDigest> digests = new ArrayList<>();

        @Override
        public void send(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public boolean acceptsDigests() {
            return true;
        }

        @Override
        public void sendDigest(SuppressionDigest digest) {
            digests.add(digest);
        }
    }

    private static final CanaryConfig RULES = CanaryConfig.of(Map.of(
            "canary.alert.suppress.weekly-scan.source-cidr", "198.51.100.0/24, 2001:db8::/32",
            "canary.alert.suppress.weekly-scan.user-agent", "internal-scanner/",
            "canary.alert.suppress.weekly-scan.reason", "our own credential scanner"));

    private DetectionEngine engine(DigestSink sink, String owner) {
        DetectionEngine.Builder b = DetectionEngine.builder().store(store).detector(s3).alertSink("siem", sink)
                .clock(clock).owner(owner).digestInterval(Duration.ofDays(1));
        SuppressionRule.fromConfig(RULES).forEach(b::suppress);
        return b.build();
    }

    @Test
    void suppressedSightingsAreStoredNotAlertedAndListedOnceInTheDigestOfTheirDay() {
        CanaryRecord c = store.create(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        for (int i = 0; i < 3; i++) {
            s3.add(call("cloudtrail-s3", "noise-" + i, T0.plusSeconds(3600 + i), c).sourceIp("198.51.100." + (10 + i))
                    .userAgent("internal-scanner/3.1 (weekly)").build());
        }
        s3.add(call("cloudtrail-s3", "v6", T0.plusSeconds(3700), c).sourceIp("2001:db8::7").userAgent("Internal-Scanner/3.1").build());
        DigestSink sink = new DigestSink();
        DigestSink other = new DigestSink();

        engine(sink, "a").runOnce();

        assertThat(store.sightings(c.id())).as("stored").hasSize(4);
        assertThat(sink.alerts).as("not alerted one by one").isEmpty();
        assertThat(store.find(c.id()).orElseThrow().status()).as("noise does not trip the canary").isEqualTo(CanaryStatus.ACTIVE);
        assertThat(sink.digests).as("the day is not over").isEmpty();

        clock.advance(Duration.ofDays(1));
        engine(sink, "a").runOnce();
        engine(other, "b").runOnce();
        engine(sink, "a").runOnce();

        assertThat(sink.digests).singleElement().satisfies(d -> {
            assertThat(d.items()).extracting(i -> i.sighting().sourceEventId())
                    .containsExactly("noise-0", "noise-1", "noise-2", "v6");
            assertThat(d.countsByRule()).containsExactly(Map.entry("weekly-scan", 4));
            assertThat(d.periodStart()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
            assertThat(d.toTree().path("suppressed").asInt()).isEqualTo(4);
            assertThat(d.summary(2)).contains("4 suppressed").contains("and 2 more");
        });
        assertThat(other.digests).as("sent once, by one engine").isEmpty();
    }

    @Test
    void aSightingOutsideTheRuleAlertsAsUsualBesideTheSuppressedOnes() {
        CanaryRecord c = store.create(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
        s3.add(call("cloudtrail-s3", "noise", T0.plusSeconds(3600), c).sourceIp("198.51.100.9")
                .userAgent("internal-scanner/3.1").build());
        // same agent from elsewhere, and an AWS service name as the source: not in the range, never looked up
        s3.add(call("cloudtrail-s3", "real", T0.plusSeconds(3601), c).sourceIp("203.0.113.9")
                .userAgent("internal-scanner/3.1").build());
        s3.add(call("cloudtrail-s3", "svc", T0.plusSeconds(3602), c).sourceIp("ec2.amazonaws.com")
                .userAgent("internal-scanner/3.1").build());
        DigestSink sink = new DigestSink();
        DetectionEngine engine = engine(sink, "a");

        engine.runOnce();
        clock.advance(Duration.ofDays(1));
        engine.runOnce();

        List<String> alerted = new ArrayList<>();
        sink.alerts.forEach(a -> a.sightings().forEach(s -> alerted.add(s.sourceEventId())));
        assertThat(alerted).containsExactlyInAnyOrder("real", "svc");
        assertThat(sink.digests).singleElement().satisfies(d -> assertThat(d.items())
                .extracting(i -> i.sighting().sourceEventId()).containsExactly("noise"));
        assertThat(store.find(c.id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
    }

    @Test
    void rulesThatWouldHideEverythingOrCannotBeReadAreRefused() {
        assertThatThrownBy(() -> SuppressionRule.fromConfig(CanaryConfig.of(Map.of("canary.alert.suppress.all.reason", "x"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("no condition");
        assertThatThrownBy(() -> SuppressionRule.fromConfig(CanaryConfig.of(Map.of(
                "canary.alert.suppress.x.source-cidr", "scanner.example.com/24"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("not an address range");
        assertThatThrownBy(() -> SuppressionRule.fromConfig(CanaryConfig.of(Map.of(
                "canary.alert.suppress.x.source-ip", "198.51.100.1"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("canary.alert.suppress.x.source-ip");
        SuppressionRule rule = new SuppressionRule("r", Set.of("ListUsers"), List.of(), List.of(), "");
        assertThatThrownBy(() -> DetectionEngine.builder().store(store).alertSink("recording", new RecordingSink())
                .suppress(rule).build()).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("digests");
    }
}
