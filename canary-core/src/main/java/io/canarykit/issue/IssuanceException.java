package io.canarykit.issue;

import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryStatus;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AtomicIssuance} failed. Nothing was handed out. {@link #cleanedUp()} says whether everything is already
 * consistent (the record is {@code FAILED} and AWS holds nothing of the canary) or whether the record was left
 * {@code PENDING} for the recovery pass, which removes what AWS still holds once the record is old enough.
 *
 * @since 0.1.0
 */
public final class IssuanceException extends CanaryException {
    private static final long serialVersionUID = 1L;
    private final transient CanaryId canaryId;
    private final @Nullable CanaryStatus recordStatus;
    private final boolean cleanedUp;
    private final CanaryIssuerException.@Nullable Reason reason;

    /**
     * @param message      what failed
     * @param canaryId     the canary's id
     * @param recordStatus the record's status as this call left it, or {@code null} if unknown (the store failed)
     * @param cleanedUp    true if nothing remains in AWS and the record (if any) is closed
     * @param reason       the issuer's reason, or {@code null} when the store or a check failed
     * @param cause        the cause
     */
    public IssuanceException(String message, CanaryId canaryId, @Nullable CanaryStatus recordStatus, boolean cleanedUp,
                             CanaryIssuerException.@Nullable Reason reason, Throwable cause) {
        super(message, cause);
        this.canaryId = canaryId;
        this.recordStatus = recordStatus;
        this.cleanedUp = cleanedUp;
        this.reason = reason;
    }

    /** The canary's id. */
    public CanaryId canaryId() {
        return canaryId;
    }

    /** The record's status as the failed call left it, or {@code null} if the store could not say. */
    public @Nullable CanaryStatus recordStatus() {
        return recordStatus;
    }

    /** True if nothing remains in AWS and the record, if one was written, is closed. */
    public boolean cleanedUp() {
        return cleanedUp;
    }

    /** The issuer's reason, or {@code null} when the store or a check failed. */
    public CanaryIssuerException.@Nullable Reason reason() {
        return reason;
    }

    /** True when trying again (with a new canary id) may succeed. */
    public boolean retryable() {
        return reason == null || reason == CanaryIssuerException.Reason.THROTTLED
                || reason == CanaryIssuerException.Reason.UNAVAILABLE
                || reason == CanaryIssuerException.Reason.KEY_NOT_ACTIVE;
    }
}
