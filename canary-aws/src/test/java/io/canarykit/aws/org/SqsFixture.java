package io.canarykit.aws.org;

import io.canarykit.Alert;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.alert.AlertSink;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.S3ObjectCreated;
import io.canarykit.testkit.sqs.EmbeddedSqs;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An emulated organisation whose trail writes organisation-layout log files, each announced on an ElasticMQ queue in
 * one of the three shapes AWS delivers (in turn), with a dead-letter queue; canaries in member accounts; a store.
 */
final class SqsFixture implements AutoCloseable {
    static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
            + "\"Resource\":\"*\"}]}";
    static final String TOPIC = "arn:aws:sns:us-east-1:" + OrgEmulator.MANAGEMENT + ":trail-notifications";

    /** How notifications reach the queue. */
    enum Shape { S3, SNS, EVENTBRIDGE }

    final MutableClock clock = MutableClock.at(Instant.now().minus(Duration.ofMinutes(30)));
    final EmbeddedSqs sqs;
    final SqsClient client;
    final String deadLetters;
    final String queue;
    final AwsEmulator aws;
    final S3Client s3;
    final CanaryStore store;
    final List<S3ObjectCreated> announced = new CopyOnWriteArrayList<>();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final Random random = new Random(17);

    SqsFixture(EmbeddedSqs sqs, String name, Duration visibility, CanaryStore store) {
        this.sqs = sqs;
        this.client = sqs.client();
        this.store = store == null ? InMemoryCanaryStore.create() : store;
        this.deadLetters = sqs.createQueue(name + "-dlq", visibility);
        // the queue's own redrive policy is the backstop, well above the detector's max-receive-count
        this.queue = sqs.createQueue(name, visibility, deadLetters, 50);
        this.aws = OrgEmulator.start(clock, this::announce);
        this.s3 = aws.s3();
    }

    private void announce(S3ObjectCreated c) {
        announced.add(c);
        Shape shape = Shape.values()[turn.getAndIncrement() % 3];
        String body = switch (shape) {
            case S3 -> c.s3EventJson();
            case SNS -> c.snsEnvelopeJson(TOPIC);
            case EVENTBRIDGE -> c.eventBridgeJson();
        };
        client.sendMessage(b -> b.queueUrl(queue).messageBody(body));
    }

    /** A deny-all IAM-user canary in {@code account}, with its record stored. */
    Canary canary(String account, String userName) {
        Instant issued = clock.instant();
        EmulatedCredentials key = aws.createUserWithKey(account, userName, Map.of("canary-deny-all", DENY_ALL));
        CanaryRecord record = store.create(CanaryRecord.builder()
                .id(CanaryId.generate(issued, random)).status(CanaryStatus.ACTIVE).kind(CredentialKind.IAM_USER)
                .issuer("iam-user").principal(Principal.iamUser(account, "/", userName))
                .accessKeyId(key.accessKeyId()).asset(Asset.of("host", "web-" + userName))
                .createdAt(issued).issuedAt(issued).build());
        return new Canary(record, key);
    }

    record Canary(CanaryRecord record, EmulatedCredentials key) {
    }

    /** An attacker's first steps with a found key: who am I, then a denied ListUsers. Two events. */
    void use(Canary c) {
        aws.sts(c.key()).getCallerIdentity();
        try {
            aws.iam(c.key()).listUsers();
        } catch (AwsServiceException denied) {
            // AccessDenied, logged
        }
    }

    AlertSink alertSink() {
        return alerts::add;
    }

    long sightings(Canary c, String source) {
        return store.sightings(c.record().id()).stream().filter(s -> s.source().equals(source)).count();
    }

    @Override
    public void close() {
        aws.close();
    }
}
