package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.metrics.AlertOutcome;

import java.util.function.Consumer;

/**
 * Receives alerts. A sink must not lose an alert silently: one it cannot deliver now is kept and retried, or the
 * failure is thrown to the caller.
 *
 * @since 0.1.0
 */
public interface AlertSink extends AutoCloseable {

    /** Delivers (or durably queues) one alert. */
    void send(Alert alert);

    /**
     * True if this sink takes {@linkplain #sendDigest digests} of suppressed sightings. The default is false; every
     * built-in sink but the paging ones (PagerDuty, Opsgenie) takes them.
     */
    default boolean acceptsDigests() {
        return false;
    }

    /**
     * Delivers (or durably queues) one digest of suppressed sightings.
     *
     * @throws UnsupportedOperationException if the sink does not {@linkplain #acceptsDigests take digests}
     */
    default void sendDigest(SuppressionDigest digest) {
        throw new UnsupportedOperationException(getClass().getName() + " takes no digests");
    }

    /**
     * Retries the alerts this sink keeps because it could not deliver them yet (the detection engine calls it once per
     * pass). The default keeps nothing.
     *
     * @return how many alerts are still waiting
     */
    default int flush() {
        return 0;
    }

    /**
     * Asks the sink to report every step of its deliveries from now on (sent, retried, spooled, failed; digests
     * included) to {@code listener}, for metrics; the detection engine calls it once when it is built. Returns true if
     * the sink reports them, and then the engine reports nothing for it; false (the default) if it does not, and then
     * the engine reports what it sees: sent when {@link #send} returns, failed when it throws. The sinks built on
     * {@link Delivery} report through it.
     *
     * @param listener called on the delivering thread; must not block
     */
    default boolean reportTo(Consumer<AlertOutcome> listener) {
        return false;
    }

    /** Releases resources; queued alerts are flushed or kept for the next start. */
    @Override
    default void close() {
    }
}
