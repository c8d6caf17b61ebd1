package io.canarykit.aws.detect;

import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The last-used safety nets against the emulator: pacing, the 4-hour report reuse, what counts as unlogged. */
class SafetyNetIT {

    private static long calls(DetectFixture f, String operation) {
        return f.aws.calls().stream().filter(c -> operation.equals(c.operation())).count();
    }

    @Test
    void theCredentialReportIsReusedForFourHours() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary c = f.canary("ci-runner");
            CredentialReportDetector report = CredentialReportDetector.builder().client(f.aws.iam()).sleeper(d -> { }).build();
            DetectionEngine engine = DetectionEngine.builder().store(f.store).detector(report).clock(f.clock).build();

            engine.runOnce();
            long generated = calls(f, "GenerateCredentialReport");
            long fetched = calls(f, "GetCredentialReport");
            assertThat(generated).isPositive();
            f.clock.advance(Duration.ofHours(1));
            f.listQueues(c);
            for (int i = 0; i < 5; i++) {
                f.clock.advance(Duration.ofMinutes(30));
                DetectionSummary s = engine.runOnce();
                assertThat(s.seen()).as("the held report (from before the use) is reused").isZero();
            }
            assertThat(calls(f, "GenerateCredentialReport")).isEqualTo(generated);
            assertThat(calls(f, "GetCredentialReport")).isEqualTo(fetched);

            f.clock.advance(Duration.ofMinutes(31)); // 4h01 after the first report
            DetectionSummary after = engine.runOnce();

            assertThat(calls(f, "GenerateCredentialReport")).isGreaterThan(generated);
            assertThat(after.stored()).isEqualTo(1);
            assertThat(f.store.sightings(c.record().id())).singleElement().satisfies(s -> {
                assertThat(s.kind()).isEqualTo(SightingKind.UNLOGGED_USE);
                assertThat(s.service()).isEqualTo("sqs");
                assertThat(s.source()).isEqualTo("credential-report");
            });
            // a restarted detector asks IAM, which returns the report it still has (younger than 4 hours)
            CredentialReportDetector restarted = CredentialReportDetector.builder().client(f.aws.iam()).sleeper(d -> { }).build();
            long before = calls(f, "GenerateCredentialReport");
            DetectionEngine.builder().store(f.store).detector(restarted).clock(f.clock).build().runOnce();
            assertThat(calls(f, "GenerateCredentialReport")).isEqualTo(before);
        }
    }

    @Test
    void lastUsedCallsArePacedAndALoggedUseExplainsTheLastUse() {
        try (DetectFixture f = new DetectFixture()) {
            DetectFixture.Canary a = f.canary("runner-a");
            DetectFixture.Canary b = f.canary("runner-b");
            DetectFixture.Canary quiet = f.canary("runner-c");
            f.clock.advance(Duration.ofHours(1));
            f.listUsers(a); // logged: explains a's last use
            f.listQueues(b); // not logged
            List<Duration> waits = new ArrayList<>();
            AccessKeyLastUsedDetector lastUsed = AccessKeyLastUsedDetector.builder().client(f.aws.iam())
                    .pace(Duration.ofMillis(250)).sleeper(waits::add).build();
            CloudTrailS3Detector s3 = CloudTrailS3Detector.builder().s3Client(f.aws.s3()).bucket(f.aws.trailBucket()).build();
            DetectionEngine engine = DetectionEngine.builder().store(f.store).detector(lastUsed).detector(s3).clock(f.clock)
                    .build();
            f.clock.advance(Duration.ofMinutes(30));
            f.aws.deliverNow();

            engine.runOnce();

            assertThat(waits).as("a pause between each two of the three calls").containsExactly(Duration.ofMillis(250),
                    Duration.ofMillis(250));
            assertThat(f.store.sightings(a.record().id())).extracting(Sighting::kind)
                    .containsExactly(SightingKind.SELF_USE, SightingKind.API_CALL);
            assertThat(f.store.sightings(b.record().id())).extracting(Sighting::kind)
                    .containsExactly(SightingKind.SELF_USE, SightingKind.UNLOGGED_USE);
            assertThat(f.store.sightings(quiet.record().id())).extracting(Sighting::kind)
                    .as("its last use is the issuer's own check").containsExactly(SightingKind.SELF_USE);
            assertThat(engine.runOnce().stored()).as("asking again stores nothing twice").isZero();
        }
    }
}
