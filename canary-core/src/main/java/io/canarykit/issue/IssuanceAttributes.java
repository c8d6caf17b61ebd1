package io.canarykit.issue;

/**
 * The {@link io.canarykit.CanaryRecord#attributes()} keys that {@link AtomicIssuance} writes. They hold times
 * (ISO-8601) and reasons, never secrets.
 *
 * @since 0.1.0
 */
public final class IssuanceAttributes {
    /** When a revocation was requested (write-ahead, before the first AWS delete); the record stays live until done. */
    public static final String REVOCATION_REQUESTED_AT = "canarykit.revocation.requestedAt";
    /** When a recovery pass took over a pending intent (a fence against the issuance that abandoned it). */
    public static final String RECOVERY_CLAIMED_AT = "canarykit.recovery.claimedAt";
    /** Why an issuance failed (on {@code FAILED} records). */
    public static final String FAILURE_REASON = "canarykit.failure.reason";
    /** What the revocation removed in AWS, comma-separated. */
    public static final String REVOKED_RESOURCES = "canarykit.revocation.removed";

    private IssuanceAttributes() {
    }
}
