package io.canarykit.detect;

import io.canarykit.MutableClock;
import io.canarykit.Alert;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.canarykit.detect.Canaries.T0;
import static org.assertj.core.api.Assertions.assertThat;

class EventBridgeDetectorTest {
    private final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final CanaryRecord canary = store.create(Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0));
    private final RecordingSink sink = new RecordingSink();
    private final EventBridgeDetector detector = EventBridgeDetector.create();
    private final DetectionEngine engine = DetectionEngine.builder().store(store).detector(detector).alertSink(sink)
            .clock(new MutableClock(T0.plus(Duration.ofHours(1)))).build();

    private String event(String id, String key, Instant t) {
        return "{\"version\":\"0\",\"id\":\"" + id + "-envelope\",\"detail-type\":\"AWS API Call via CloudTrail\","
                + "\"source\":\"aws.iam\",\"account\":\"111122223333\",\"time\":\"" + t + "\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
                + "\"principalId\":\"AIDA\",\"arn\":\"" + canary.principal().arn() + "\",\"accountId\":\"111122223333\","
                + "\"accessKeyId\":\"" + key + "\",\"userName\":\"ci-deploy\"},\"eventTime\":\"" + t + "\","
                + "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"awsRegion\":\"us-east-1\","
                + "\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":\"aws-cli/2\",\"errorCode\":\"AccessDenied\","
                + "\"requestID\":\"req-" + id + "\",\"eventID\":\"" + id + "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\"}}";
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void anEventAsALambdaReceivesItBecomesASightingAndAnAlert() {
        ReadResult r = detector.offer(event("ev-1", canary.accessKeyId(), T0.plusSeconds(300)));
        assertThat(r.records()).isEqualTo(1);
        assertThat(detector.pending()).isEqualTo(1);

        DetectionSummary s = engine.runOnce();

        assertThat(detector.pending()).isZero();
        assertThat(s.stored()).isEqualTo(1);
        Sighting seen = store.sightings(canary.id()).get(0);
        assertThat(seen.source()).isEqualTo("eventbridge");
        assertThat(seen.sourceEventId()).isEqualTo("ev-1");
        assertThat(seen.errorCode()).isEqualTo("AccessDenied");
        assertThat(sink.alerts).extracting(Alert::type).containsExactly(io.canarykit.AlertType.INITIAL);
    }

    @Test
    void unwrapsSqsBatchesAndSnsNotifications() {
        String batch = "{\"Records\":[{\"messageId\":\"m1\",\"body\":" + quoted(event("ev-2", canary.accessKeyId(),
                T0.plusSeconds(400))) + ",\"eventSource\":\"aws:sqs\"},{\"messageId\":\"m2\",\"body\":"
                + quoted(event("ev-3", "AKIANOTACANARY000000", T0.plusSeconds(400))
                .replace(canary.principal().arn(), "arn:aws:iam::111122223333:user/someone-else")) + ",\"eventSource\":\"aws:sqs\"}]}";
        String sns = "{\"Type\":\"Notification\",\"MessageId\":\"n1\",\"Message\":"
                + quoted(event("ev-4", canary.accessKeyId(), T0.plusSeconds(500))) + "}";

        assertThat(detector.offer(batch).records()).isEqualTo(2);
        assertThat(detector.offer(sns).records()).isEqualTo(1);
        engine.runOnce();

        assertThat(store.sightings(canary.id())).extracting(Sighting::sourceEventId).containsExactly("ev-2", "ev-4");
    }

    @Test
    void malformedDeliveriesAreReportedNotThrown() {
        String batch = "{\"Records\":[{\"messageId\":\"m1\",\"body\":\"{not json\"},{\"messageId\":\"m2\",\"body\":42}]}";
        ReadResult r = detector.offer(batch);

        assertThat(r.records()).isZero();
        assertThat(r.malformed()).isEqualTo(2);
        assertThat(r.problems()).extracting(p -> p.source()).containsExactly("sqs-message[0] m1", "sqs-message[1] m2");
        assertThat(detector.offer("{\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":\"x\"}").malformed())
                .isEqualTo(1);
    }

    @Test
    void aRecordWithoutAnEventTimeReportsNoProgressInsteadOfANullTime() {
        // neither the record nor its envelope has a time: the record cannot be placed in a validity window, and a
        // context that holds DetectorContext.readUpTo to its non-null contract must not be handed null
        String noTime = event("ev-5", canary.accessKeyId(), T0.plusSeconds(300))
                .replace(",\"eventTime\":\"" + T0.plusSeconds(300) + "\"", "")
                .replace(",\"time\":\"" + T0.plusSeconds(300) + "\"", "");
        assertThat(noTime).doesNotContain("ime\":");
        assertThat(detector.offer(noTime).records()).isEqualTo(1);
        assertThat(detector.offer(event("ev-6", canary.accessKeyId(), T0.plusSeconds(600))).records()).isEqualTo(1);
        java.util.List<Instant> progress = new java.util.ArrayList<>();
        java.util.List<Sighting> seen = new java.util.ArrayList<>();
        DetectorContext strict = new DetectorContext() {
            @Override
            public java.time.Clock clock() {
                return java.time.Clock.fixed(T0.plus(Duration.ofHours(1)), java.time.ZoneOffset.UTC);
            }

            @Override
            public java.util.List<CanaryRecord> watchedCanaries() {
                return java.util.List.of(canary);
            }

            @Override
            public java.util.Optional<String> checkpoint(String key) {
                return java.util.Optional.empty();
            }

            @Override
            public void saveCheckpoint(String key, String value) {
            }

            @Override
            public void readUpTo(Instant newestRecord) {
                progress.add(java.util.Objects.requireNonNull(newestRecord, "newestRecord"));
            }
        };

        detector.poll(strict, seen::add);

        assertThat(detector.pending()).isZero();
        assertThat(progress).containsExactly(T0.plusSeconds(600));
        assertThat(seen).extracting(Sighting::sourceEventId).containsExactly("ev-6");
    }

    @Test
    void readsTheEnvelopesOfTheSampleCorpus() throws Exception {
        java.nio.file.Path dir = io.canarykit.cloudtrail.Samples.dir().resolve("cloud-custodian");
        int records = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                ReadResult r = detector.offer(java.nio.file.Files.readString(f));
                assertThat(r.malformed()).as(f.toString()).isZero();
                records += (int) r.records();
            }
        }
        assertThat(records).isEqualTo(23);
    }
}
