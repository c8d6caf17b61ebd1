package io.canarykit.examples.demo;

import io.canarykit.CanaryService;
import io.canarykit.detect.Detector;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import io.canarykit.testkit.aws.MutableClock;
import java.time.Clock;

/** Where the demo runs: the in-process AWS emulator, or a real AWS account. */
interface DemoEnvironment extends AutoCloseable {

    /** One line saying where this runs. */
    String description();

    /** The issuer's IAM client. */
    IamClient iam();

    /** The issuer's STS client. */
    StsClient sts();

    /** The issuing account. */
    String accountId();

    /** The ARN of the principal that issues (trusted by the canary role). */
    String issuerArn();

    /** How long the issuer waits for a new key to authenticate (its post-issue self check). */
    Duration keyWait();

    /** The clock every component reads (the emulator's is shared, so the demo can let hours pass). */
    Clock clock();

    /** Lets {@code d} pass (in the emulator the shared clock moves; against real AWS nothing happens). */
    void elapse(Duration d);

    /** The detectors to run. */
    List<Detector> detectors(CanaryStore store);

    /** An SDK client as the attacker would build it with the stolen credentials. */
    <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C attackerClient(B builder, AwsCredentialsProvider stolen);

    /** Called between the attack and detection (deliver trail logs; on AWS, wait for CloudTrail). */
    void beforeDetection(PrintWriter out);

    /** Called at the end (on AWS: revoke everything the demo made). */
    void afterDemo(CanaryService service, PrintWriter out);

    @Override
    void close();

    /** The in-process emulator. */
    static DemoEnvironment emulated() {
        MutableClock clock = MutableClock.startingNow();
        return new EmulatedEnvironment(AwsEmulator.builder().account("480917262534").sourceIpAddress("203.0.113.77")
                .clock(clock).start(), clock);
    }

    /** A real account through the default credential chain. */
    static DemoEnvironment aws(Duration detectionWait) {
        return new RealAwsEnvironment(detectionWait);
    }
}
