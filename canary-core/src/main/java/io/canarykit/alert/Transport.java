package io.canarykit.alert;

/**
 * Makes one attempt to hand a {@link DeliveryMessage} to a receiver (an HTTP endpoint, an AWS API, a mail server).
 * {@link Delivery} adds the timeouts' retries, backoff, {@code Retry-After} and the spool on top, so that every sink
 * has the same guarantees. Implementations report failures as {@link DeliveryAttempt}s and never put a secret (a
 * token, a webhook URL with a token in it, a password) in a reason, an exception or {@code toString()}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Transport {

    /**
     * One attempt.
     *
     * @throws InterruptedException if interrupted while waiting for the receiver
     */
    DeliveryAttempt attempt(DeliveryMessage message) throws InterruptedException;
}
