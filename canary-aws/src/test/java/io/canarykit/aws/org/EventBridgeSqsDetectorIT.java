package io.canarykit.aws.org;

import io.canarykit.aws.detect.EventBridgeSqsDetector;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.S3ObjectCreated;
import io.canarykit.testkit.sqs.EmbeddedSqs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code eventbridge-sqs} against ElasticMQ, fed by the emulator's EventBridge rule (plain and through SNS). */
class EventBridgeSqsDetectorIT {

    @Test
    void apiCallEventsBecomeSightingsOnceOtherEventsAreSkippedAndBrokenOnesAreDeadLettered() throws Exception {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            SqsClient client = sqs.client();
            String dlq = sqs.createQueue("events-dlq", Duration.ofSeconds(3));
            String queue = sqs.createQueue("events", Duration.ofSeconds(3), dlq, 50);
            List<String> envelopes = new CopyOnWriteArrayList<>();
            AwsEmulator.Builder b = OrgEmulator.builder(Clock.systemUTC()).eventBridgeSink(e -> {
                envelopes.add(e);
                // every other event arrives through an SNS topic subscribed to the rule
                String body = envelopes.size() % 2 == 0 ? "{\"Type\":\"Notification\",\"Message\":"
                        + com.fasterxml.jackson.databind.node.TextNode.valueOf(e) + "}" : e;
                client.sendMessage(m -> m.queueUrl(queue).messageBody(body));
            }, true);
            InMemoryCanaryStore store = InMemoryCanaryStore.create();
            try (AwsEmulator aws = OrgEmulator.withRoles(b.start());
                 SqsFixtureLite f = new SqsFixtureLite(aws, store)) {
                SqsFixture.Canary a = f.canary(PROD_A, "events-a");
                f.use(a);
                f.use(a);
                client.sendMessage(m -> m.queueUrl(queue).messageBody(new S3ObjectCreated("b", "k", 1, "e",
                        java.time.Instant.now(), "1", PROD_A, "us-east-1").eventBridgeJson())); // another detail-type
                client.sendMessage(m -> m.queueUrl(queue).messageBody("{\"detail-type\":\"AWS API Call via CloudTrail\","
                        + "\"detail\":{\"eventTime\":[]}}")); // broken
                EventBridgeSqsDetector d = EventBridgeSqsDetector.builder().sqsClient(client).queueUrl(queue)
                        .deadLetterQueueUrl(dlq).consumers(3).maxReceiveCount(1).waitTime(Duration.ofSeconds(1))
                        .visibilityTimeout(Duration.ofSeconds(3)).build();
                DetectionSummary s = DetectionEngine.builder().store(store).detector(d).build().runOnce();
                assertThat(store.sightings(a.record().id())).hasSize(4)
                        .allMatch(x -> x.source().equals("eventbridge-sqs"));
                assertThat(s.failures()).anySatisfy(x -> assertThat(x).contains("moved to the dead-letter queue")
                        .contains("no readable CloudTrail event"));
                assertThat(sqs.depth(queue)).isZero();
                assertThat(sqs.depth(dlq)).isEqualTo(1);
                assertThat(envelopes).isNotEmpty().allMatch(e -> e.contains("AWS API Call via CloudTrail"));
            }
        }
    }

    /** Canaries made as {@link SqsFixture} makes them, on an emulator built here. */
    static final class SqsFixtureLite implements AutoCloseable {
        private final AwsEmulator aws;
        private final InMemoryCanaryStore store;
        private final java.util.Random random = new java.util.Random(5);

        SqsFixtureLite(AwsEmulator aws, InMemoryCanaryStore store) {
            this.aws = aws;
            this.store = store;
        }

        SqsFixture.Canary canary(String account, String user) {
            java.time.Instant issued = aws.clock().instant();
            var key = aws.createUserWithKey(account, user, java.util.Map.of("deny", SqsFixture.DENY_ALL));
            var record = store.create(io.canarykit.CanaryRecord.builder()
                    .id(io.canarykit.CanaryId.generate(issued, random)).status(io.canarykit.CanaryStatus.ACTIVE)
                    .kind(io.canarykit.CredentialKind.IAM_USER).issuer("iam-user")
                    .principal(io.canarykit.Principal.iamUser(account, "/", user)).accessKeyId(key.accessKeyId())
                    .asset(io.canarykit.Asset.of("host", user)).createdAt(issued).issuedAt(issued).build());
            return new SqsFixture.Canary(record, key);
        }

        void use(SqsFixture.Canary c) {
            aws.sts(c.key()).getCallerIdentity();
            try {
                aws.iam(c.key()).listUsers();
            } catch (software.amazon.awssdk.awscore.exception.AwsServiceException denied) {
                // logged
            }
        }

        @Override
        public void close() {
        }
    }
}
