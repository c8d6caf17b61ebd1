package io.canarykit.aws.issue;

import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * A per-request plugin for calls that are not idempotent ({@code CreateAccessKey}): the SDK retries them only when AWS
 * throttled them (a throttled request never took effect), never after a 5xx or a broken connection, which may come
 * after AWS created a second key nobody would ever see. Keeps the client's maximum number of attempts.
 */
final class ThrottlingOnlyRetries implements SdkPlugin {
    static final ThrottlingOnlyRetries INSTANCE = new ThrottlingOnlyRetries();

    private ThrottlingOnlyRetries() {
    }

    @Override
    public void configureClient(SdkServiceClientConfiguration.Builder config) {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        int attempts = current == null ? 3 : current.retryStrategy().map(RetryStrategy::maxAttempts).orElse(3);
        RetryStrategy strategy = DefaultRetryStrategy.standardStrategyBuilder()
                .maxAttempts(Math.max(1, attempts))
                .retryOnException(AwsErrors::isThrottling)
                .treatAsThrottling(AwsErrors::isThrottling)
                .build();
        ClientOverrideConfiguration.Builder b = current == null ? ClientOverrideConfiguration.builder()
                : current.toBuilder();
        config.overrideConfiguration(b.retryStrategy(strategy).build());
    }
}
