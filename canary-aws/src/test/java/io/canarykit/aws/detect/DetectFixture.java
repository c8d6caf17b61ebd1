package io.canarykit.aws.detect;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.MutableClock;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Instant;
import java.util.Map;
import java.util.Random;

/**
 * An emulated AWS organisation with canaries created the way an issuer would (a deny-all IAM user with one key, then
 * the issuer's post-issue {@code GetCallerIdentity}, recorded as a self-use), stored in an in-memory store; and an
 * attacker who uses a canary with the real SDK.
 */
final class DetectFixture implements AutoCloseable {
    static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
            + "\"Resource\":\"*\"}]}";
    static final Instant START = Instant.parse("2026-03-14T09:00:00Z");

    final MutableClock clock;
    final AwsEmulator aws;
    final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final Random random = new Random(11);

    DetectFixture() {
        this(MutableClock.at(START), b -> { });
    }

    DetectFixture(MutableClock clock, java.util.function.Consumer<AwsEmulator.Builder> configure) {
        this.clock = clock;
        AwsEmulator.Builder b = AwsEmulator.builder().clock(clock).sourceIpAddress("203.0.113.66");
        configure.accept(b);
        this.aws = b.start();
    }

    /** A canary as an issuer leaves it: the user and key, the self-use check, the stored record. */
    Canary canary(String userName) {
        String account = aws.accountId();
        Instant issued = clock.instant();
        EmulatedCredentials key = aws.createUserWithKey(account, userName, Map.of("canary-deny-all", DENY_ALL));
        GetCallerIdentityResponse check = aws.sts(key).getCallerIdentity();
        SelfUse self = new SelfUse("GetCallerIdentity", clock.instant(), check.responseMetadata().requestId(), null);
        CanaryRecord record = store.create(CanaryRecord.builder()
                .id(CanaryId.generate(issued, random))
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.IAM_USER)
                .issuer("iam-user")
                .principal(Principal.iamUser(account, "/", userName))
                .accessKeyId(key.accessKeyId())
                .asset(Asset.of("host", "build-" + userName).withLabel("owner", "platform"))
                .receipt(new PlacementReceipt("aws-credentials-file", "/home/ci/.aws/credentials",
                        Map.of("profile", "default"), issued))
                .createdAt(issued)
                .issuedAt(issued)
                .addSelfUse(self)
                .build());
        return new Canary(record, key);
    }

    /** A stored canary and the credential an attacker finds. */
    record Canary(CanaryRecord record, EmulatedCredentials key) {
    }

    /** GetCallerIdentity, as a key checker or an attacker's first step does: logged, never denied. */
    String callerIdentity(Canary c) {
        return aws.sts(c.key()).getCallerIdentity().responseMetadata().requestId();
    }

    /** iam:ListUsers: denied by the canary's policy, logged. */
    void listUsers(Canary c) {
        try {
            aws.iam(c.key()).listUsers();
            throw new AssertionError("a deny-all canary listed users");
        } catch (AwsServiceException denied) {
            if (!"AccessDenied".equals(denied.awsErrorDetails().errorCode())) {
                throw denied;
            }
        }
    }

    /** ec2:DescribeInstances in a region: denied, logged in that region. */
    void describeInstances(Canary c, Region region) {
        try {
            aws.client(Ec2Client.builder(), c.key(), region).describeInstances();
            throw new AssertionError("a deny-all canary described instances");
        } catch (AwsServiceException denied) {
            // UnauthorizedOperation, as EC2 answers
        }
    }

    /** sqs:ListQueues: a call CloudTrail never logs (the key's last-used data still changes). */
    void listQueues(Canary c) {
        try {
            aws.client(SqsClient.builder(), c.key()).listQueues();
        } catch (AwsServiceException denied) {
            // denied or not: it is not logged either way
        }
    }

    @Override
    public void close() {
        aws.close();
    }
}
