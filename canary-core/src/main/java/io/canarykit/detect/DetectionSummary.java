package io.canarykit.detect;

import io.canarykit.Alert;
import io.canarykit.CanaryId;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link DetectionEngine#runOnce()} did.
 *
 * @param startedAt    when the pass started
 * @param finishedAt   when it ended
 * @param detectors    each detector's outcome, in the order they ran
 * @param seen         sightings the detectors handed over
 * @param stored       sightings stored for the first time
 * @param duplicates   sightings already stored (the same event read again, or through another CloudTrail channel)
 * @param unmatched    sightings that matched no canary (within its validity window)
 * @param selfUses     of the stored ones, the library's own uses (never alerted)
 * @param triggered    canaries that moved to {@link io.canarykit.CanaryStatus#TRIGGERED} in this pass
 * @param alerts       the alerts handed to every sink in this pass
 * @param failures     problems swallowed (a detector that failed, a sink that threw): a person should look
 *
 * @since 0.1.0
 */
public record DetectionSummary(
        Instant startedAt,
        Instant finishedAt,
        List<DetectorOutcome> detectors,
        long seen,
        long stored,
        long duplicates,
        long unmatched,
        long selfUses,
        List<CanaryId> triggered,
        List<Alert> alerts,
        List<String> failures) {

    public DetectionSummary {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        detectors = List.copyOf(detectors);
        triggered = List.copyOf(triggered);
        alerts = List.copyOf(alerts);
        failures = List.copyOf(failures);
    }

    /** True if nothing failed. */
    public boolean succeeded() {
        return failures.isEmpty();
    }
}
