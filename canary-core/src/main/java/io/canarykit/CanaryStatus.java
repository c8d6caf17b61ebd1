package io.canarykit;

/**
 * Where a canary is in its life.
 *
 * <p>A canary is <em>live</em> while its principal may exist in AWS ({@link #PENDING}, {@link #ACTIVE},
 * {@link #COMPLETED}, {@link #TRIGGERED}, {@link #ROTATED}); live canaries count against an account's quota.
 *
 * @since 0.1.0
 */
public enum CanaryStatus {
    /** The intent to issue is recorded; AWS objects may or may not exist yet (write-ahead). */
    PENDING,
    /** Issued and planted, never used by anyone but the library. */
    ACTIVE,
    /**
     * The run it was issued for (a CI job) reported that it finished, and nobody has used it. The credential stays
     * valid until it expires, and is watched as before: any use now comes from outside the run (see {@link RunPhase}).
     */
    COMPLETED,
    /** Someone used it: an alert was raised. */
    TRIGGERED,
    /** Replaced by a newer canary; revoked after a grace period. */
    ROTATED,
    /** Deactivated and deleted in AWS. */
    REVOKED,
    /** A short-term canary past its expiry. */
    EXPIRED,
    /** Issuance failed and everything it created was undone. */
    FAILED;

    /** True while the principal may exist in AWS. */
    public boolean isLive() {
        return this == PENDING || this == ACTIVE || this == COMPLETED || this == TRIGGERED || this == ROTATED;
    }

    /** True when nothing more will happen to the canary. */
    public boolean isTerminal() {
        return !isLive();
    }
}
