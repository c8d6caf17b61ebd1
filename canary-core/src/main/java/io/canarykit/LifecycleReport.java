package io.canarykit;

import io.canarykit.detect.DetectionSummary;
import io.canarykit.issue.IssuedPrincipal;
import io.canarykit.issue.RecoveryReport;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The reports of {@link CanaryService}'s passes.
 *
 * @since 0.1.0
 */
public final class LifecycleReport {
    private LifecycleReport() {
    }

    /**
     * A canary and the one that replaced it.
     *
     * @since 0.1.0
     */
    public record Replacement(CanaryId replaced, CanaryId replacement) {
        public Replacement {
            Objects.requireNonNull(replaced, "replaced");
            Objects.requireNonNull(replacement, "replacement");
        }
    }

    /**
     * One detection pass and the response to it.
     *
     * @param detection    what the detection engine did (sightings, alerts, failures)
     * @param revoked      triggered canaries revoked by the response policy
     * @param replacements triggered canaries replaced by fresh ones on the same asset and placement
     * @param failures     responses that failed (the canary stays as it was; the next pass retries)
     *
     * @since 0.1.0
     */
    public record Detect(DetectionSummary detection, List<CanaryId> revoked, List<Replacement> replacements,
                         List<String> failures) {
        public Detect {
            Objects.requireNonNull(detection, "detection");
            revoked = List.copyOf(revoked);
            replacements = List.copyOf(replacements);
            failures = List.copyOf(failures);
        }
    }

    /**
     * One rotation pass.
     *
     * @param replaced canaries past their maximum age (or close to expiry) that got a successor, placed first
     * @param revoked  rotated canaries whose grace period ended, now revoked
     * @param failures what failed (retried by the next pass)
     *
     * @since 0.1.0
     */
    public record Rotate(List<Replacement> replaced, List<CanaryId> revoked, List<String> failures) {
        public Rotate {
            replaced = List.copyOf(replaced);
            revoked = List.copyOf(revoked);
            failures = List.copyOf(failures);
        }
    }

    /**
     * One expiry pass.
     *
     * @param expired        short-term canaries past expiry, now closed
     * @param failures       what failed
     * @param unfinishedRuns those of {@code expired} issued for a run (a CI job) that never reported its end: the job
     *                       was cancelled or timed out, or its completion step did not run
     *
     * @since 0.1.0
     */
    public record Expire(List<CanaryId> expired, List<String> failures, List<CanaryId> unfinishedRuns) {
        public Expire {
            expired = List.copyOf(expired);
            failures = List.copyOf(failures);
            unfinishedRuns = List.copyOf(unfinishedRuns == null ? List.of() : unfinishedRuns);
        }

        /** A pass that closed no run canary. */
        public Expire(List<CanaryId> expired, List<String> failures) {
            this(expired, failures, List.of());
        }
    }

    /**
     * A comparison of AWS, the placements and the store.
     *
     * @param orphans              principals the issuers made that no live record knows
     * @param missingPrincipals    live records whose principal is gone from AWS
     * @param missingPlacements    live records whose placement no longer holds their key
     * @param recovery             what recovery and the sweep did (only when fixing), else {@code null}
     * @param fixed                what was fixed, one line each
     * @param failures             what could not be checked or fixed
     *
     * @since 0.1.0
     */
    public record Reconcile(List<IssuedPrincipal> orphans, List<CanaryRecord> missingPrincipals,
                            List<CanaryRecord> missingPlacements, @Nullable RecoveryReport recovery, List<String> fixed,
                            List<String> failures) {
        public Reconcile {
            orphans = List.copyOf(orphans);
            missingPrincipals = List.copyOf(missingPrincipals);
            missingPlacements = List.copyOf(missingPlacements);
            fixed = List.copyOf(fixed);
            failures = List.copyOf(failures);
        }

        /** True if AWS, the placements and the store agree. */
        public boolean clean() {
            return orphans.isEmpty() && missingPrincipals.isEmpty() && missingPlacements.isEmpty() && failures.isEmpty();
        }
    }

    /**
     * One onboarding pass over an inventory.
     *
     * @param issued    canaries issued for assets new to the store
     * @param revoked   canaries revoked because their asset left the inventory
     * @param unchanged assets that already had a live canary
     * @param failures  assets that could not be handled (the others were)
     *
     * @since 0.1.0
     */
    public record Onboard(List<CanaryRecord> issued, List<CanaryRecord> revoked, int unchanged, List<String> failures) {
        public Onboard {
            issued = List.copyOf(issued);
            revoked = List.copyOf(revoked);
            failures = List.copyOf(failures);
        }
    }
}
