package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.time.Clock;
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
}
