package io.canarykit.detect;

import io.canarykit.Sighting;

import java.util.function.Consumer;

/**
 * Reads one source of credential use (CloudTrail S3 logs, LookupEvents, EventBridge, last-used data) and yields
 * sightings, resumably: a restart continues from the saved checkpoints, neither missing nor (beyond what the
 * idempotent store absorbs) repeating.
 *
 * @since 0.1.0
 */
public interface Detector {

    /** The source name recorded in each sighting, such as {@code cloudtrail-s3}. */
    String source();

    /**
     * One pass: reads what is new since the checkpoints and hands each sighting to {@code sink}, which stores it
     * before returning. Sightings need not be correlated ({@code canaryId} may be null).
     */
    void poll(DetectorContext context, Consumer<Sighting> sink);

    /**
     * Where this detector runs in a pass of the {@link DetectionEngine}: lower first, equal in the order given. The
     * safety nets that compare last-used data with the CloudTrail sightings already stored run last
     * ({@link #ORDER_SAFETY_NET}); every other detector keeps the default 0.
     */
    default int order() {
        return 0;
    }

    /**
     * True if this detector divides its source into partitions (accounts, regions, ...) and asks for each through
     * {@link DetectorContext#claimPartition} before reading it: several processes may then run it at once, each on
     * the partitions it was given. False (the default): a process runs it only when it holds the whole detector
     * ({@link PartitionGate}).
     */
    default boolean partitioned() {
        return false;
    }

    /** The {@link #order()} of detectors that must see the sightings of every CloudTrail detector first. */
    int ORDER_SAFETY_NET = 100;
}
