package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a detector may use during one pass.
 *
 * @since 0.1.0
 */
public interface DetectorContext {

    /** The clock to read time from. */
    Clock clock();

    /** The canaries to look for: live ones and those closed recently enough that late events still arrive. */
    List<CanaryRecord> watchedCanaries();

    /** The detector's checkpoint under {@code key}. */
    Optional<String> checkpoint(String key);

    /** Saves a checkpoint; call it only after the sightings before it were accepted by the sink. */
    void saveCheckpoint(String key, String value);

    /**
     * The sightings already stored for a canary, in time order (what the safety nets compare last-used data with).
     * The default knows none.
     */
    default List<Sighting> sightings(CanaryId canaryId) {
        return List.of();
    }

    /**
     * Reports a problem that needs a person but did not stop the detector (a poison file sent to a dead-letter queue,
     * a dead-letter queue that is not empty): it is listed in the pass's {@link DetectionSummary#failures()}. The
     * message must name what is affected and carry no secret. The default only drops it.
     */
    default void report(String problem) {
    }

    /**
     * Asks to read {@code partition} (a part of the source that can be read on its own, such as an account and region:
     * {@code 111122223333/eu-west-1}) in this pass. A {@linkplain Detector#partitioned() partitioned} detector asks
     * before reading each partition and skips the partitions it is refused: another process is reading them. The
     * default allows everything.
     *
     * @param partition a stable name of the partition: at most 200 characters, no control characters
     * @return true if this pass may read it now
     */
    default boolean claimPartition(String partition) {
        return true;
    }

    /**
     * Reports how far the detector has read: the event time of the newest record read (or the time up to which its
     * source is covered, for sources read by time). Call it as records are read, or once per file, page or partition
     * with the newest time; older times than one already reported are ignored. The age of the newest time is the
     * detector's lag, a metric. The default ignores it.
     */
    default void readUpTo(Instant newestRecord) {
    }
}
