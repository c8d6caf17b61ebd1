package io.canarykit.aws.issue;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * A per-request plugin for calls that are not idempotent ({@code CreateAccessKey}): the client's own retry strategy
 * (its backoff, and the adaptive strategy's rate limiter) still applies, but a failed attempt is retried only when AWS
 * throttled it (a throttled request never took effect), never after a 5xx or a broken connection, which may come
 * after AWS created a second key nobody would ever see.
 */
final class ThrottlingOnlyRetries implements SdkPlugin {
    static final ThrottlingOnlyRetries INSTANCE = new ThrottlingOnlyRetries();

    private ThrottlingOnlyRetries() {
    }

    @Override
    public void configureClient(SdkServiceClientConfiguration.Builder config) {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        RetryStrategy base = current == null ? null : current.retryStrategy().orElse(null);
        if (base == null) {
            base = AwsRetryStrategy.defaultRetryStrategy();
        }
        if (base instanceof Guarded) {
            return;
        }
        ClientOverrideConfiguration.Builder b = current == null ? ClientOverrideConfiguration.builder()
                : current.toBuilder();
        config.overrideConfiguration(b.retryStrategy(new Guarded(base)).build());
    }

    /** Delegates to the client's strategy, refusing to retry anything but throttling. */
    static final class Guarded implements RetryStrategy {
        private final RetryStrategy delegate;

        Guarded(RetryStrategy delegate) {
            this.delegate = delegate;
        }

        @Override
        public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
            return delegate.acquireInitialToken(request);
        }

        @Override
        public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
            if (!AwsErrors.isThrottling(request.failure())) {
                throw new TokenAcquisitionFailedException("not retrying a call that may have taken effect",
                        request.token(), request.failure());
            }
            return delegate.refreshRetryToken(request);
        }

        @Override
        public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
            return delegate.recordSuccess(request);
        }

        @Override
        public int maxAttempts() {
            return delegate.maxAttempts();
        }

        @Override
        public boolean useClientDefaults() {
            return false;
        }

        @Override
        public Builder<?, ?> toBuilder() {
            return delegate.toBuilder();
        }
    }
}
