package io.canarykit.metrics;

import io.canarykit.CredentialKind;
import io.canarykit.Sighting;

import java.time.Duration;
import java.time.Instant;

/**
 * What canarykit's components report as they work, so that a host can turn it into metrics without canarykit
 * depending on a metrics library: {@code canary-server} binds it to Micrometer. Give one to
 * {@link io.canarykit.CanaryService.Builder#metrics}, {@link io.canarykit.detect.DetectionEngine.Builder#metrics} or
 * {@link io.canarykit.CanaryService#fromConfig(io.canarykit.config.CanaryConfig, MetricsListener,
 * io.canarykit.detect.PartitionGate)}.
 *
 * <p>Every method has a no-op default, so an implementation overrides only what it records, and methods added later
 * break nobody. Methods are called on the thread doing the work (an API request, a detection pass), often from
 * several threads at once: implementations must be thread-safe, fast and must not throw (what they throw is logged
 * and ignored). No argument ever holds a secret.
 *
 * @since 0.1.0
 */
public interface MetricsListener {

    /** A listener that records nothing. */
    MetricsListener NONE = new MetricsListener() {
        @Override
        public String toString() {
            return "MetricsListener.NONE";
        }
    };

    /**
     * A canary was issued and planted (or returned to the caller).
     *
     * @param kind      its kind
     * @param accountId the account it was issued in
     * @param latency   from the start of the issuance to the stored receipt
     */
    default void issued(CredentialKind kind, String accountId, Duration latency) {
    }

    /**
     * An issuance failed; everything it had done was undone (or left to recovery as a recorded intent).
     *
     * @param kind    the kind asked for
     * @param cause   why, as a small fixed set of values
     * @param latency from the start of the issuance to the failure
     */
    default void issueFailed(CredentialKind kind, IssueFailure cause, Duration latency) {
    }

    /**
     * A sighting was stored for the first time (a sighting already stored, by this process or another, is not
     * reported again).
     *
     * @param sighting the sighting, with its source and kind (never a secret)
     */
    default void sightingStored(Sighting sighting) {
    }

    /**
     * One step of an alert's delivery to one sink.
     *
     * @param sink    the sink's name, such as {@code webhook}
     * @param outcome what happened
     */
    default void alertDelivery(String sink, AlertOutcome outcome) {
    }

    /**
     * A detector read records up to {@code newestRecord} (the event time of the newest record it read, or the time up
     * to which it has covered its source); the age of that time is the detector's lag.
     *
     * @param detector     the detector's source name
     * @param newestRecord the newest record's time
     */
    default void detectorProgress(String detector, Instant newestRecord) {
    }
}
