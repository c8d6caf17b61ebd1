package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces an account's API calls evenly so they stay under a request-rate limit instead of running into throttling: a
 * call may start only {@code 1/rate} seconds after the previous one, across every thread and every client that shares
 * the pacer. Throttling costs far more than pacing: the SDK's adaptive retry strategy halves its rate on each throttle
 * and recovers slowly, so bulk issuance paced just under the limit gets more done than bulk issuance that bounces off
 * it.
 *
 * <p>Add {@link #interceptor()} to the SDK clients of one account (IAM quotas are per account): every attempt,
 * retries included, waits for its slot. {@link AwsClients} does it for the {@code max-requests-per-second} key.
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestPacer {
    private final long intervalNanos;
    private final double rate;
    private long next;

    private RequestPacer(double rate) {
        this.rate = rate;
        this.intervalNanos = (long) (1_000_000_000L / rate);
        this.next = System.nanoTime();
    }

    /**
     * A pacer allowing {@code rate} calls per second. Set it a little under the service's limit (for example 19 for a
     * limit of 20), since calls sent evenly may still arrive bunched.
     *
     * @throws CanaryConfigurationException if the rate is not positive
     */
    public static RequestPacer perSecond(double rate) {
        if (!(rate > 0) || rate > 10_000) {
            throw new CanaryConfigurationException("a request rate must be above 0 and at most 10000 per second, was "
                    + rate);
        }
        return new RequestPacer(rate);
    }

    /** The calls allowed per second. */
    public double rate() {
        return rate;
    }

    /** Waits for the next free slot. */
    public void acquire() {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, next);
            next = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** An SDK interceptor that paces every attempt of every call made through the client it is added to. */
    public ExecutionInterceptor interceptor() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                acquire();
            }
        };
    }

    @Override
    public String toString() {
        return "RequestPacer[" + rate + "/s, interval " + TimeUnit.NANOSECONDS.toMillis(intervalNanos) + " ms]";
    }
}
