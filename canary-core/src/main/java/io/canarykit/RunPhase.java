package io.canarykit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * When, relative to the run it was issued for, a canary of a CI run (or any job that reports its end) was used.
 * A run gets its canary at its start and reports its end ({@code POST /v1/canaries/{id}/complete}), which records
 * {@value #ATTR_COMPLETED_AT} on the canary. A use before that instant came from inside the run (a compromised step or
 * dependency); a use at or after it came from outside (the credential was exfiltrated from the run). The phase is a
 * fact about one sighting, decided by the time of the call, not by when detection saw it: CloudTrail's delay never
 * turns a use during the run into one "after".
 *
 * <p>The phase is independent of the sighting's classification (scanner verification, enumeration, ...): alerts
 * carry both.
 *
 * @since 0.1.0
 */
public enum RunPhase {
    /** Used before the run reported its end, or while it never did. */
    DURING_RUN("during-run", "used during the run"),
    /** Used at or after the instant the run reported its end. */
    AFTER_RUN("after-run", "used after the run finished");

    /**
     * Record attribute: the CI system a canary was issued to, per run ({@code github-actions}, {@code gitlab-ci}). Its
     * presence makes the canary a run canary, whose uses have a phase even before the run completes.
     */
    public static final String ATTR_RUN = "canarykit.run";
    /** Record attribute: when the run reported its end (ISO-8601 instant). */
    public static final String ATTR_COMPLETED_AT = "canarykit.run.completed-at";

    private final String configName;
    private final String description;

    RunPhase(String configName, String description) {
        this.configName = configName;
        this.description = description;
    }

    /** The name used in output and configuration, such as {@code after-run}. */
    public String configName() {
        return configName;
    }

    /** A responder's words for it, such as "used after the run finished". */
    public String description() {
        return description;
    }

    /** True if {@code canary} was issued for a run or a run reported its end on it. */
    public static boolean isRunCanary(CanaryRecord canary) {
        Objects.requireNonNull(canary, "canary");
        return canary.attributes().containsKey(ATTR_RUN) || canary.attributes().containsKey(ATTR_COMPLETED_AT);
    }

    /** When the canary's run reported its end, if it did (an unreadable value counts as not reported). */
    public static Optional<Instant> completedAt(CanaryRecord canary) {
        String v = canary.attributes().get(ATTR_COMPLETED_AT);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(v));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The phase of {@code sighting} of {@code canary}, or empty if the canary is no run canary.
     *
     * @param canary   the canary record, as stored when the alert is raised
     * @param sighting one use of it
     */
    public static Optional<RunPhase> of(CanaryRecord canary, Sighting sighting) {
        Objects.requireNonNull(sighting, "sighting");
        if (!isRunCanary(canary)) {
            return Optional.empty();
        }
        Optional<Instant> completed = completedAt(canary);
        return Optional.of(completed.isPresent() && !sighting.time().isBefore(completed.get()) ? AFTER_RUN : DURING_RUN);
    }

    /** The phase of the sighting an alert shows (the first use for an initial alert, the latest for a follow-up). */
    public static Optional<RunPhase> of(Alert alert) {
        return of(alert.canary(), alert.sighting());
    }
}
