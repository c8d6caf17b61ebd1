package io.canarykit.issue;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CanaryIssuer#revoke} found in AWS and removed.
 *
 * @param found      true if something of the canary existed (a user, a key, a role deny was applied)
 * @param conclusive true if the answer can be trusted at once; false when "nothing found" may only mean that IAM, being
 *                   eventually consistent, does not show a principal created moments ago yet. An inconclusive result
 *                   is trusted only for records older than the coordinator's minimum age.
 * @param foreign    true if a principal with the canary's name exists but was not created for this canary (it carries
 *                   another canary id, or none); it was left untouched
 * @param removed    what was removed, such as {@code access-key AKIA…} or {@code user ci-deploy-7f3a}; never secrets
 *
 * @since 0.1.0
 */
public record Revocation(boolean found, boolean conclusive, boolean foreign, List<String> removed) {
    public Revocation {
        removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        if (foreign && !removed.isEmpty()) {
            throw new IllegalArgumentException("a foreign principal is never touched, yet removed = " + removed);
        }
    }

    /** Something existed and is now gone. */
    public static Revocation removed(List<String> removed) {
        return new Revocation(true, true, false, removed);
    }

    /**
     * Nothing was found.
     *
     * @param conclusive true when that cannot be an artefact of eventual consistency (session credentials, which
     *                   leave nothing to delete)
     */
    public static Revocation nothingFound(boolean conclusive) {
        return new Revocation(false, conclusive, false, List.of());
    }

    /** A principal with the name exists but belongs to someone else: this canary's issuance never created it. */
    public static Revocation foreignPrincipal() {
        return new Revocation(false, true, true, List.of());
    }

    /** True when AWS holds nothing of the canary any more and that can be relied on for a record of this age. */
    public boolean settled(boolean olderThanMinimumAge) {
        return found || foreign || conclusive || olderThanMinimumAge;
    }
}
