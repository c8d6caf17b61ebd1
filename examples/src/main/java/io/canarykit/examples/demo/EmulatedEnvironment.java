package io.canarykit.examples.demo;

import io.canarykit.CanaryService;
import io.canarykit.detect.Detector;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.time.Clock;

/** The demo on the in-process AWS emulator: nothing leaves the machine. */
final class EmulatedEnvironment implements DemoEnvironment {
    private final AwsEmulator aws;
    private final MutableClock clock;

    EmulatedEnvironment(AwsEmulator aws, MutableClock clock) {
        this.aws = aws;
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void elapse(Duration d) {
        clock.advance(d);
    }

    AwsEmulator emulator() {
        return aws;
    }

    @Override
    public String description() {
        return "AWS emulator at " + aws.endpoint() + " (account " + aws.accountId() + "), no AWS account needed";
    }

    @Override
    public IamClient iam() {
        return aws.iam();
    }

    @Override
    public StsClient sts() {
        return aws.sts();
    }

    @Override
    public String accountId() {
        return aws.accountId();
    }

    @Override
    public String issuerArn() {
        return "arn:aws:iam::" + aws.accountId() + ":user/" + aws.adminUserName();
    }

    @Override
    public Duration keyWait() {
        return Duration.ofSeconds(10);
    }

    @Override
    public List<Detector> detectors(CanaryStore store) {
        return DemoDetectors.emulated(aws);
    }

    @Override
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C attackerClient(B builder,
                                                                                             AwsCredentialsProvider stolen) {
        return builder.region(Region.US_EAST_1).endpointOverride(aws.endpoint()).credentialsProvider(stolen)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Override
    public void beforeDetection(PrintWriter out) {
        aws.deliverNow();
        out.println("  (the emulator delivered " + aws.logFiles().size() + " CloudTrail log file(s) to s3://"
                + aws.trailBucket() + ")");
    }

    @Override
    public void afterDemo(CanaryService service, PrintWriter out) {
        // the emulator's state goes with it
    }

    @Override
    public void close() {
        aws.close();
    }
}
