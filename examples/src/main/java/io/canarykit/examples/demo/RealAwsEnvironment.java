package io.canarykit.examples.demo;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.detect.Detector;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.time.Clock;

/**
 * The demo against the AWS account of the default credential chain. It creates IAM users, a role and sessions, uses
 * them as an attacker would, waits for CloudTrail, and revokes every canary it made at the end (the canary role
 * {@code build-cache-reader} and its boundary policy stay, for the next run).
 */
final class RealAwsEnvironment implements DemoEnvironment {
    private final Duration detectionWait;
    private final AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    private final IamClient iam;
    private final StsClient sts;
    private final GetCallerIdentityResponse me;

    RealAwsEnvironment(Duration detectionWait) {
        this.detectionWait = detectionWait;
        this.iam = IamClient.builder().region(Region.AWS_GLOBAL).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy())).build();
        this.sts = StsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        this.me = sts.getCallerIdentity();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public void elapse(Duration d) {
        // real time passes by itself
    }

    @Override
    public String description() {
        return "REAL AWS account " + me.account() + " as " + me.arn();
    }

    @Override
    public IamClient iam() {
        return iam;
    }

    @Override
    public StsClient sts() {
        return sts;
    }

    @Override
    public String accountId() {
        return me.account();
    }

    @Override
    public String issuerArn() {
        String arn = me.arn();
        if (arn.contains(":assumed-role/")) {
            String role = arn.substring(arn.indexOf(":assumed-role/") + ":assumed-role/".length());
            role = role.substring(0, role.indexOf('/'));
            return "arn:aws:iam::" + me.account() + ":role/" + role;
        }
        return arn;
    }

    @Override
    public Duration keyWait() {
        return Duration.ofSeconds(60);
    }

    @Override
    public List<Detector> detectors(CanaryStore store) {
        return DemoDetectors.aws(credentials);
    }

    @Override
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C attackerClient(B builder,
                                                                                             AwsCredentialsProvider stolen) {
        return builder.region(Region.US_EAST_1).credentialsProvider(stolen)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Override
    public void beforeDetection(PrintWriter out) {
        out.println("  waiting " + detectionWait.toMinutes() + " minute(s) for CloudTrail (it delivers in about 5 minutes, "
                + "not guaranteed) ...");
        out.flush();
        try {
            Thread.sleep(detectionWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void afterDemo(CanaryService service, PrintWriter out) {
        for (CanaryRecord r : service.listAll(CanaryQuery.live())) {
            try {
                service.revoke(r.id());
                out.println("  cleaned up canary " + r.id() + " (" + r.principal().arn() + ")");
            } catch (RuntimeException e) {
                out.println("  could not revoke " + r.id() + ": " + e.getMessage() + " — run the demo's reconcile --fix");
            }
        }
    }

    @Override
    public void close() {
        iam.close();
        sts.close();
    }
}
