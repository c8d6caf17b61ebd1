package io.canarykit.alert;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one attempt to hand a message over.
 *
 * @param delivered  true if the receiver took it
 * @param retryable  true if trying again may help (timeouts, throttling, 5xx)
 * @param retryAfter how long the receiver asked to wait ({@code Retry-After}), or {@code null}
 * @param reason     what happened, for logs; never holds a secret (transports redact what they report)
 *
 * @since 0.1.0
 */
public record DeliveryAttempt(boolean delivered, boolean retryable, @Nullable Duration retryAfter, String reason) {
    private static final DeliveryAttempt OK = new DeliveryAttempt(true, false, null, "delivered");

    /** Delivered. */
    public static DeliveryAttempt ok() {
        return OK;
    }

    /** Failed; may be retried, after {@code retryAfter} if the receiver said so. */
    public static DeliveryAttempt retry(String reason, @Nullable Duration retryAfter) {
        return new DeliveryAttempt(false, true, retryAfter, reason);
    }

    /** Failed; retrying at once will not help (the message or the configuration is wrong). */
    public static DeliveryAttempt refused(String reason) {
        return new DeliveryAttempt(false, false, null, reason);
    }
}
