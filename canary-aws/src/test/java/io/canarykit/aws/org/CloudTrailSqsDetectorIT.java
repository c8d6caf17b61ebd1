package io.canarykit.aws.org;

import io.canarykit.AlertType;
import io.canarykit.aws.detect.CloudTrailSqsDetector;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.S3ObjectCreated;
import io.canarykit.testkit.sqs.EmbeddedSqs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cloudtrail-sqs} against a real SQS-compatible server (ElasticMQ) fed by the emulated organisation trail's S3
 * notifications in all three shapes.
 */
class CloudTrailSqsDetectorIT {
    static EmbeddedSqs sqs;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    static CloudTrailSqsDetector.Builder detector(SqsFixture f) {
        return CloudTrailSqsDetector.builder().sqsClient(f.client).s3Client(f.s3).queueUrl(f.queue)
                .deadLetterQueueUrl(f.deadLetters).buckets(List.of(f.aws.trailBucket()))
                .waitTime(Duration.ofSeconds(1)).visibilityTimeout(Duration.ofSeconds(30));
    }

    static DetectionEngine engine(SqsFixture f, CanaryStore store, CloudTrailSqsDetector d) {
        return DetectionEngine.builder().store(store).detector(d).alertSink(f.alertSink()).build();
    }

    @Test
    void threeCompetingConsumersStoreEveryUseOnceFromAllThreeShapesAndSkipWhatIsNoLogFile() {
        try (SqsFixture f = new SqsFixture(sqs, "all-shapes", Duration.ofSeconds(30), null)) {
            SqsFixture.Canary a = f.canary(PROD_A, "deploy-a");
            SqsFixture.Canary b = f.canary(PROD_B, "deploy-b");
            SqsFixture.Canary quiet = f.canary(DEV, "deploy-dev");
            f.use(a);
            f.use(b);
            f.use(b);
            f.aws.iam(f.aws.adminCredentials(DEV)).listUsers(); // noise in the dev account
            f.client.sendMessage(m -> m.queueUrl(f.queue).messageBody(S3ObjectCreated.testEventJson(f.aws.trailBucket(),
                    f.clock.instant())));
            f.aws.putTrailObject("AWSLogs/" + ORG_ID + "/" + PROD_A + "/CloudTrail-Digest/us-east-1/2026/12/07/"
                    + PROD_A + "_CloudTrail-Digest_us-east-1_x.json.gz", "{}".getBytes(StandardCharsets.UTF_8));
            f.aws.deliverNow();
            assertThat(f.announced).extracting(S3ObjectCreated::key)
                    .anyMatch(k -> k.startsWith("AWSLogs/" + ORG_ID + "/" + PROD_A + "/CloudTrail/us-east-1/"))
                    .hasSizeGreaterThanOrEqualTo(4); // the digest and at least one log file per shape

            CloudTrailSqsDetector d = detector(f).consumers(3).build();
            DetectionSummary first = engine(f, f.store, d).runOnce();

            assertThat(first.failures()).isEmpty();
            assertThat(f.sightings(a, "cloudtrail-sqs")).isEqualTo(2);
            assertThat(f.sightings(b, "cloudtrail-sqs")).isEqualTo(4);
            assertThat(f.sightings(quiet, "cloudtrail-sqs")).isZero();
            assertThat(f.alerts).filteredOn(x -> x.type() == AlertType.INITIAL)
                    .extracting(x -> x.canary().id()).containsExactlyInAnyOrder(a.record().id(), b.record().id());
            assertThat(d.filesRead()).as("each log file read once; the digest never").isEqualTo(f.announced.size() - 1);
            assertThat(sqs.depth(f.queue)).isZero();
            assertThat(sqs.depth(f.deadLetters)).isZero();

            DetectionSummary second = engine(f, f.store, d).runOnce();
            assertThat(second.stored()).isZero();
            assertThat(f.alerts).hasSize(2);
        }
    }

    @Test
    void twoProcessesCompetingForOneQueueStoreEachSightingOnce() throws Exception {
        try (SqsFixture f = new SqsFixture(sqs, "two-processes", Duration.ofSeconds(30), null)) {
            SqsFixture.Canary a = f.canary(PROD_A, "svc-a");
            SqsFixture.Canary b = f.canary(DEV, "svc-b");
            for (int round = 0; round < 6; round++) {
                f.use(round % 2 == 0 ? a : b);
                f.aws.deliverNow(); // one file per round and account
            }
            CloudTrailSqsDetector one = detector(f).consumers(3).build();
            CloudTrailSqsDetector two = detector(f).consumers(3).build();
            ExecutorService processes = Executors.newFixedThreadPool(2);
            try {
                Future<DetectionSummary> p1 = processes.submit(() -> engine(f, f.store, one).runOnce());
                Future<DetectionSummary> p2 = processes.submit(() -> engine(f, f.store, two).runOnce());
                assertThat(p1.get().failures()).isEmpty();
                assertThat(p2.get().failures()).isEmpty();
            } finally {
                processes.shutdownNow();
            }
            assertThat(f.sightings(a, "cloudtrail-sqs")).isEqualTo(6);
            assertThat(f.sightings(b, "cloudtrail-sqs")).isEqualTo(6);
            assertThat(one.filesRead() + two.filesRead()).isEqualTo(f.announced.size());
            assertThat(sqs.depth(f.queue)).isZero();
        }
    }

    @Test
    void aPoisonFileReachesTheDeadLetterQueueAfterTheReceiveCountAndIsReported() throws Exception {
        try (SqsFixture f = new SqsFixture(sqs, "poison", Duration.ofSeconds(3), null)) {
            SqsFixture.Canary a = f.canary(PROD_A, "ci-a");
            f.use(a);
            f.aws.deliverNow();
            String poisonKey = "AWSLogs/" + ORG_ID + "/" + PROD_B + "/CloudTrail/us-east-1/2026/12/07/" + PROD_B
                    + "_CloudTrail_us-east-1_20261207T1010Z_poisonpoison0000.json.gz";
            f.aws.putTrailObject(poisonKey, new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}); // truncated gzip
            CloudTrailSqsDetector d = detector(f).consumers(2).maxReceiveCount(2).visibilityTimeout(Duration.ofSeconds(3))
                    .build();

            DetectionSummary first = engine(f, f.store, d).runOnce();
            assertThat(f.sightings(a, "cloudtrail-sqs")).as("the good file is read").isEqualTo(2);
            assertThat(first.failures()).as("one failure is retried, not yet reported").isEmpty();
            assertThat(sqs.depth(f.queue)).isEqualTo(1);

            Thread.sleep(3500); // the failed message reappears after its visibility timeout
            DetectionSummary second = engine(f, f.store, d).runOnce();
            assertThat(second.failures()).hasSize(2)
                    .anySatisfy(x -> assertThat(x).contains("moved to the dead-letter queue").contains(poisonKey))
                    .anySatisfy(x -> assertThat(x).contains("dead-letter queue holds 1"));
            assertThat(sqs.depth(f.queue)).isZero();
            List<Message> dead = f.client.receiveMessage(r -> r.queueUrl(f.deadLetters).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            assertThat(dead).singleElement().satisfies(m -> {
                assertThat(m.body()).contains("poisonpoison0000");
                assertThat(m.messageAttributes().get("canarykit-reason").stringValue()).contains(poisonKey);
                assertThat(m.messageAttributes().get("canarykit-receive-count").stringValue()).isEqualTo("2");
            });
            f.client.changeMessageVisibility(r -> r.queueUrl(f.deadLetters).receiptHandle(dead.get(0).receiptHandle())
                    .visibilityTimeout(0));

            DetectionSummary third = engine(f, f.store, d).runOnce();
            assertThat(third.failures()).singleElement().asString().contains("dead-letter queue holds 1");
        }
    }

    @Test
    void aMessageNamingAnotherBucketIsNeverReadAndEndsInTheDeadLetterQueue() {
        try (SqsFixture f = new SqsFixture(sqs, "foreign-bucket", Duration.ofSeconds(3), null)) {
            S3ObjectCreated foreign = new S3ObjectCreated("attacker-bucket", "AWSLogs/" + PROD_A
                    + "/CloudTrail/us-east-1/2026/12/07/f.json.gz", 10, "e", f.clock.instant(), "1", PROD_A, "us-east-1");
            f.client.sendMessage(m -> m.queueUrl(f.queue).messageBody(foreign.s3EventJson()));
            f.client.sendMessage(m -> m.queueUrl(f.queue).messageBody("{\"hello\":\"not a notification\"}"));
            CloudTrailSqsDetector d = detector(f).maxReceiveCount(1).build();
            DetectionSummary s = engine(f, f.store, d).runOnce();
            assertThat(s.failures()).hasSize(3).anySatisfy(x -> assertThat(x).contains("attacker-bucket"))
                    .anySatisfy(x -> assertThat(x).contains("not an S3 notification"))
                    .anySatisfy(x -> assertThat(x).contains("dead-letter queue holds 2"));
            assertThat(d.filesRead()).isZero();
            assertThat(f.aws.calls()).noneMatch(c -> "GetObject".equals(c.operation()));
            assertThat(sqs.depth(f.deadLetters)).isEqualTo(2);
        }
    }

    @Test
    void aSlowFileKeepsItsMessageHiddenFromOtherWorkersUntilItIsDone() throws Exception {
        try (SqsFixture f = new SqsFixture(sqs, "slow-file", Duration.ofSeconds(3), null)) {
            SqsFixture.Canary a = f.canary(PROD_A, "slow-a");
            f.use(a);
            f.aws.deliverNow();
            FaultRule slow = f.aws.faults().add(FaultRule.on("s3:GetObject").firstCalls(1)
                    .then(FaultAction.latency(Duration.ofSeconds(7))));
            CloudTrailSqsDetector reader = detector(f).consumers(1).visibilityTimeout(Duration.ofSeconds(3)).build();
            // another process long-polling the whole time: it would get the message if its visibility lapsed
            CloudTrailSqsDetector other = detector(f).consumers(1).visibilityTimeout(Duration.ofSeconds(3))
                    .waitTime(Duration.ofSeconds(9)).build();
            ExecutorService processes = Executors.newFixedThreadPool(2);
            try {
                Future<DetectionSummary> p1 = processes.submit(() -> engine(f, f.store, reader).runOnce());
                Thread.sleep(500);
                Future<DetectionSummary> p2 = processes.submit(() -> engine(f, f.store, other).runOnce());
                assertThat(p1.get().failures()).isEmpty();
                assertThat(p2.get().failures()).isEmpty();
            } finally {
                processes.shutdownNow();
            }
            assertThat(f.aws.calls()).filteredOn(c -> "GetObject".equals(c.operation())).hasSize(1);
            f.aws.faults().remove(slow);
            assertThat(reader.filesRead() + other.filesRead()).as("read once, although it took twice the timeout")
                    .isEqualTo(1);
            assertThat(f.sightings(a, "cloudtrail-sqs")).isEqualTo(2);
            assertThat(sqs.depth(f.queue)).isZero();
        }
    }
}
