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

    /**
     * As {@link #match}, and when {@code record} is no use of a canary but AWS quarantining a canary's IAM user
     * ({@link CanaryIndex#exposedBy}: the record names the user, never the key), the
     * {@link io.canarykit.SightingKind#EXPOSURE_NOTICE} sighting of that canary. For detectors that read CloudTrail
     * records and have no other way to see exposure notices.
     */
    public static Optional<Sighting> matchOrExposure(CloudTrailRecord record, String source, CanaryIndex index) {
        Optional<Sighting> use = match(record, source, index);
        if (use.isPresent()) {
            return use;
        }
        CanaryKey exposed = index.exposedBy(record);
        return exposed == null ? Optional.empty() : Optional.of(ExposureNotices.sighting(record, exposed, source));
    }
}
