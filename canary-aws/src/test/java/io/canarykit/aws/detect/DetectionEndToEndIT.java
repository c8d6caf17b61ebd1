package io.canarykit.aws.detect;

import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryStatus;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.alert.AlertSink;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.detect.Detector;
import io.canarykit.detect.EventBridgeDetector;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The "done when": a canary used with the real SDK (denied calls, GetCallerIdentity, an unlogged call) yields
 * the right sightings and one alert plus one aggregated follow-up, whichever detectors read the emulated account.
 */
class DetectionEndToEndIT {
    private DetectFixture f;
    private final List<Alert> alerts = new ArrayList<>();
    private final AlertSink sink = alerts::add;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private DetectionEngine engine(Detector... detectors) {
        return DetectionEngine.builder().store(f.store).detectors(List.of(detectors)).alertSink(sink).clock(f.clock)
                .followUpWindow(Duration.ofMinutes(15)).build();
    }

    private CloudTrailS3Detector s3() {
        return CloudTrailS3Detector.builder().s3Client(f.aws.s3()).bucket(f.aws.trailBucket()).build();
    }

    private CloudTrailLookupDetector lookup() {
        return CloudTrailLookupDetector.builder()
                .client(region -> f.aws.client(CloudTrailClient.builder(), f.aws.adminCredentials(), Region.of(region)))
                .regions(List.of("eu-west-1"))
                .rateLimiter(new LookupRateLimiter(2, System::nanoTime, n -> { }))
                .build();
    }

    private AccessKeyLastUsedDetector lastUsed() {
        return AccessKeyLastUsedDetector.builder().client(f.aws.iam()).pace(Duration.ZERO).build();
    }

    private CredentialReportDetector report() {
        return CredentialReportDetector.builder().client(f.aws.iam()).sleeper(d -> { }).build();
    }

    /**
     * 09:00 issued (with the issuer's own GetCallerIdentity); 10:00 the attacker's GetCallerIdentity, a denied
     * iam:ListUsers and a denied ec2:DescribeInstances in eu-west-1; 10:20 sqs:ListQueues, which CloudTrail never logs.
     */
    private DetectFixture.Canary attack() {
        DetectFixture.Canary c = f.canary("ci-deploy-7f3a");
        f.clock.advance(Duration.ofHours(1));
        f.callerIdentity(c);
        f.clock.advance(Duration.ofSeconds(5));
        f.listUsers(c);
        f.clock.advance(Duration.ofSeconds(5));
        f.describeInstances(c, Region.EU_WEST_1);
        f.clock.advance(Duration.ofMinutes(5));
        f.aws.deliverNow();
        return c;
    }

    private void unloggedCall(DetectFixture.Canary c) {
        f.listQueues(c);
    }

    private void assertTheRightSightingsAndTwoAlerts(DetectFixture.Canary c, String loggedSource) {
        List<Sighting> seen = f.store.sightings(c.record().id());
        assertThat(seen).extracting(Sighting::kind, Sighting::call, Sighting::errorCode)
                .containsExactly(
                        tuple(SightingKind.SELF_USE, "GetCallerIdentity", null),
                        tuple(SightingKind.API_CALL, "GetCallerIdentity", null),
                        tuple(SightingKind.API_CALL, "ListUsers", "AccessDenied"),
                        tuple(SightingKind.API_CALL, "DescribeInstances", "Client.UnauthorizedOperation"),
                        tuple(SightingKind.UNLOGGED_USE, null, null));
        assertThat(seen.subList(0, 4)).allSatisfy(s -> {
            assertThat(s.source()).isEqualTo(loggedSource);
            assertThat(s.accessKeyId()).isEqualTo(c.key().accessKeyId());
            assertThat(s.principalArn()).isEqualTo(c.record().principal().arn());
        });
        assertThat(seen.get(1).sourceIp()).isEqualTo("203.0.113.66");
        assertThat(seen.get(1).userAgent()).contains("aws-sdk-java");
        assertThat(seen.get(2).region()).isEqualTo("us-east-1");
        assertThat(seen.get(3).region()).isEqualTo("eu-west-1");
        Sighting unlogged = seen.get(4);
        assertThat(unlogged.service()).isEqualTo("sqs");
        assertThat(unlogged.time()).isEqualTo(DetectFixture.START.plus(Duration.ofMinutes(80)).plusSeconds(10));

        assertThat(alerts).hasSize(2);
        Alert first = alerts.get(0);
        assertThat(first.type()).isEqualTo(AlertType.INITIAL);
        assertThat(first.sighting().call()).isEqualTo("GetCallerIdentity");
        assertThat(first.window().issuedAt()).isEqualTo(DetectFixture.START);
        assertThat(first.window().firstUse()).isEqualTo(DetectFixture.START.plus(Duration.ofHours(1)));
        assertThat(first.canary().asset().ref()).isEqualTo("host/build-ci-deploy-7f3a");
        Alert followUp = alerts.get(1);
        assertThat(followUp.type()).isEqualTo(AlertType.FOLLOW_UP);
        assertThat(followUp.sightings()).extracting(Sighting::call, Sighting::kind).containsExactly(
                tuple("ListUsers", SightingKind.API_CALL), tuple("DescribeInstances", SightingKind.API_CALL),
                tuple(null, SightingKind.UNLOGGED_USE));
        assertThat(followUp.priorSightings()).isEqualTo(1);
        assertThat(f.store.find(c.record().id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
    }

    @Test
    void s3LogFilesAndLastUsedData() {
        f = new DetectFixture();
        DetectFixture.Canary c = attack();
        DetectionEngine engine = engine(lastUsed(), s3());

        DetectionSummary first = engine.runOnce();
        assertThat(first.failures()).isEmpty();
        assertThat(first.selfUses()).isEqualTo(1);
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.type()).isEqualTo(AlertType.INITIAL));

        f.clock.advance(Duration.ofMinutes(15));
        unloggedCall(c);
        f.clock.advance(Duration.ofMinutes(25));
        f.aws.deliverNow();
        DetectionSummary second = engine.runOnce();

        assertThat(second.failures()).isEmpty();
        assertTheRightSightingsAndTwoAlerts(c, "cloudtrail-s3");
        f.clock.advance(Duration.ofHours(1));
        assertThat(engine.runOnce().alerts()).as("nothing new, nothing more").isEmpty();
        assertThat(alerts).hasSize(2);
    }

    @Test
    void lookupEventsAndTheCredentialReport() {
        f = new DetectFixture();
        DetectFixture.Canary c = attack();
        DetectionEngine engine = engine(report(), lookup());

        engine.runOnce();
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.type()).isEqualTo(AlertType.INITIAL));

        f.clock.advance(Duration.ofMinutes(15));
        unloggedCall(c);
        // the report of 10:05 is reused until 14:05; the pass after that sees the 10:20 use
        f.clock.advance(Duration.ofHours(4).plusMinutes(25));
        engine.runOnce();

        assertTheRightSightingsAndTwoAlerts(c, "cloudtrail-lookup");
    }

    @Test
    void eventBridgeEvents() {
        EventBridgeDetector events = EventBridgeDetector.create();
        f = new DetectFixture(MutableClock.at(DetectFixture.START), b -> b.eventBridgeSink(events::offer, true));
        DetectFixture.Canary c = attack();
        DetectionEngine engine = engine(events, lastUsed());

        engine.runOnce();
        f.clock.advance(Duration.ofMinutes(15));
        unloggedCall(c);
        f.clock.advance(Duration.ofMinutes(25));
        engine.runOnce();

        assertTheRightSightingsAndTwoAlerts(c, "eventbridge");
    }

    @Test
    void everyChannelAtOnceStoresEachEventOnce() {
        EventBridgeDetector events = EventBridgeDetector.create();
        f = new DetectFixture(MutableClock.at(DetectFixture.START), b -> b.eventBridgeSink(events::offer, true));
        DetectFixture.Canary c = attack();
        DetectionEngine engine = engine(s3(), lookup(), events, lastUsed(), report());

        DetectionSummary first = engine.runOnce();
        assertThat(first.stored()).isEqualTo(4);
        assertThat(first.duplicates()).as("the same four events again: LookupEvents by key and by user name, EventBridge")
                .isEqualTo(12);
        f.clock.advance(Duration.ofMinutes(15));
        unloggedCall(c);
        f.clock.advance(Duration.ofMinutes(25));
        f.aws.deliverNow();
        engine.runOnce();
        f.clock.advance(Duration.ofHours(4));
        f.aws.deliverNow();
        engine.runOnce();

        assertTheRightSightingsAndTwoAlerts(c, "cloudtrail-s3");
    }
}
