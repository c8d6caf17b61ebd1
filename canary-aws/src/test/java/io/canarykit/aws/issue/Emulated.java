package io.canarykit.aws.issue;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssueRequest;
import io.canarykit.issue.IssueRequestFactory;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.PolicyHardener;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

/** Clients and requests for tests against the {@link AwsEmulator}. */
public final class Emulated {
    public static final PolicyHardener HARDENER = DenyAllPolicyHardener.create();
    private static final Random RANDOM = new Random(1234);

    private Emulated() {
    }

    /** No retries: faults surface as they are injected. */
    public static RetryStrategy noRetries() {
        return AwsRetryStrategy.doNotRetry();
    }

    /** Standard retries with a short backoff, so retried-after-applied paths are exercised quickly. */
    public static RetryStrategy fastRetries(int attempts) {
        BackoffStrategy fast = BackoffStrategy.exponentialDelay(Duration.ofMillis(2), Duration.ofMillis(20));
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).backoffStrategy(fast)
                .throttlingBackoffStrategy(fast).circuitBreakerEnabled(false).build();
    }

    /** The SDK's adaptive retry strategy, as production clients use it. */
    public static RetryStrategy adaptive(int attempts) {
        return AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(attempts).build();
    }

    public static IamClient iam(AwsEmulator aws, String account, RetryStrategy retry) {
        return iam(aws, aws.adminCredentials(account), retry);
    }

    public static IamClient iam(AwsEmulator aws, EmulatedCredentials credentials, RetryStrategy retry) {
        return aws.configure(IamClient.builder(), credentials, Region.US_EAST_1)
                .overrideConfiguration(o -> o.retryStrategy(retry)).build();
    }

    public static StsClient sts(AwsEmulator aws, String account, RetryStrategy retry) {
        return sts(aws, aws.adminCredentials(account), retry);
    }

    public static StsClient sts(AwsEmulator aws, EmulatedCredentials credentials, RetryStrategy retry) {
        return aws.configure(StsClient.builder(), credentials, Region.US_EAST_1)
                .overrideConfiguration(o -> o.retryStrategy(retry)).build();
    }

    /** A request for {@code name}, hardened for the issuer's account. */
    public static IssueRequest request(CanaryIssuer issuer, String name) {
        return request(issuer, name, null);
    }

    public static IssueRequest request(CanaryIssuer issuer, String name, Duration duration) {
        synchronized (RANDOM) {
            return new IssueRequest(CanaryId.generate(java.time.Instant.now(), RANDOM), name,
                    HARDENER.harden(issuer.hardeningRequest(name)), Asset.of("host", "web-" + name), duration, Map.of());
        }
    }

    /** A factory that names with {@code prefix-<attempt>}. */
    public static IssueRequestFactory named(String prefix) {
        return (issuer, attempt) -> request(issuer, prefix + "-" + attempt);
    }
}
