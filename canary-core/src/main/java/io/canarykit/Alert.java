package io.canarykit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a responder receives: the canary (with its asset, labels, placement, principal and account), the sighting
 * that raised the alert, the detection window and what came before.
 *
 * @param type            first alert or follow-up
 * @param canary          the canary record at the time of the alert
 * @param sighting        the sighting that raised it (for a follow-up: the latest one)
 * @param sightings       for a follow-up, every sighting it aggregates in time order; for an initial alert, just the one
 * @param window          issued at → first use
 * @param priorSightings  how many sightings of this canary were stored before this alert's
 * @param raisedAt        when the alert was raised
 */
public record Alert(
        AlertType type,
        CanaryRecord canary,
        Sighting sighting,
        List<Sighting> sightings,
        DetectionWindow window,
        int priorSightings,
        Instant raisedAt) {

    public Alert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(sighting, "sighting");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(raisedAt, "raisedAt");
        sightings = List.copyOf(sightings == null ? List.of(sighting) : sightings);
    }
}
