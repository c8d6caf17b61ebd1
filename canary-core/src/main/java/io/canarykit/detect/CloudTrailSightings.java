package io.canarykit.detect;

import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailRecord;

import java.util.Optional;

/**
 * Turns CloudTrail records into sightings of the canaries in an index: what every CloudTrail detector does.
 *
 * @since 0.1.0
 */
public final class CloudTrailSightings {
    private CloudTrailSightings() {
    }

    /**
     * The sighting {@code record} is of a canary in {@code index}, matched to it ({@code canaryId} set; the engine
     * checks it against the store), or empty if it matches none (or has no event time).
     */
    public static Optional<Sighting> match(CloudTrailRecord record, String source, CanaryIndex index) {
        CanaryKey key = index.match(record);
        if (key == null) {
            return Optional.empty();
        }
        return record.toSighting(source).map(s -> s.withCanaryId(key.canaryId()));
    }
}
