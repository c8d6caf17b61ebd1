package io.canarykit.detect;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether this process may read a detector, or one partition of it, now: what keeps several processes that
 * share a store off the same source at the same time. {@code canary-server} answers with leases held in the store
 * ({@link io.canarykit.store.Leases}); a single process needs none ({@link #OPEN}).
 *
 * <p>The {@link DetectionEngine} asks for each detector that is not {@linkplain Detector#partitioned() partitioned}
 * ({@code partition} {@code null}) before running it, and a partitioned detector asks for each partition through
 * {@link DetectorContext#claimPartition} before reading it. Alerts need no gate: the engine's claims in the store
 * ({@link io.canarykit.store.Claims}) send every alert once, whichever engine raises it. Called from the pass's thread and the detector's threads:
 * implementations are thread-safe and do not throw (a failure to decide is a "no": the partition is read next pass).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PartitionGate {

    /** Lets every detector and partition through (one process). */
    PartitionGate OPEN = (detector, partition) -> true;

    /**
     * True if this process may read now.
     *
     * @param detector  the detector's source name
     * @param partition the partition, such as {@code 111122223333/eu-west-1}, or {@code null} for the whole detector
     */
    boolean enter(String detector, @Nullable String partition);
}
