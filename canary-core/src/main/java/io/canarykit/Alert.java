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
 * @param classification  what the alert is, with evidence: the most severe of its sightings' classes
 * @param classifications the class of each sighting, in the order of {@code sightings}
 *
 * @since 0.1.0
 */
public record Alert(
        AlertType type,
        CanaryRecord canary,
        Sighting sighting,
        List<Sighting> sightings,
        DetectionWindow window,
        int priorSightings,
        Instant raisedAt,
        Classification classification,
        List<Classification> classifications) {

    /** Evidence given to alerts built without a classifier. */
    static final String UNCLASSIFIED = "not classified: no classifier ran";

    public Alert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(sighting, "sighting");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(raisedAt, "raisedAt");
        sightings = List.copyOf(sightings == null ? List.of(sighting) : sightings);
        if (classification == null) {
            classification = Classification.of(SightingClass.API_USE, UNCLASSIFIED);
        }
        if (classifications == null || classifications.isEmpty()) {
            Classification each = classification;
            classifications = sightings.stream().map(s -> each).toList();
        }
        classifications = List.copyOf(classifications);
        if (classifications.size() != sightings.size()) {
            throw new IllegalArgumentException("an alert has one classification per sighting: " + sightings.size()
                    + " sightings, " + classifications.size() + " classifications");
        }
    }

    /** An alert without classification (classed {@code api-use}, evidence "not classified"). */
    public Alert(AlertType type, CanaryRecord canary, Sighting sighting, List<Sighting> sightings, DetectionWindow window,
                 int priorSightings, Instant raisedAt) {
        this(type, canary, sighting, sightings, window, priorSightings, raisedAt,
                Classification.of(SightingClass.API_USE, UNCLASSIFIED), List.of());
    }

    /** The alert's severity, from its classification. */
    public AlertSeverity severity() {
        return classification.severity();
    }
}
