package io.canarykit.issue;

import io.canarykit.CanaryException;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * AWS refused or failed an issuance. The message carries AWS's error code and message, never a secret.
 * {@link #residue()} says whether the failed call may have left something in AWS that the issuer could not undo.
 *
 * @since 0.1.0
 */
public final class CanaryIssuerException extends CanaryException {
    private static final long serialVersionUID = 1L;

    /**
     * Why the issuance failed.
     *
     * @since 0.1.0
     */
    public enum Reason {
        /** A principal with the name exists already; another name may work. */
        NAME_TAKEN,
        /** The account is out of quota (users, keys); another account may work. */
        QUOTA_EXCEEDED,
        /** AWS kept throttling after the SDK's retries. */
        THROTTLED,
        /** AWS refused the request (access denied, invalid input, malformed policy): fix the setup. */
        REFUSED,
        /** AWS or the network failed (5xx, reset, timeout): the request may or may not have taken effect. */
        UNAVAILABLE,
        /** The new key never authenticated within the configured wait. */
        KEY_NOT_ACTIVE,
        /** The issued credential failed a check (its account is not one of the pool's, or a known canary vendor's). */
        CHECK_FAILED,
        /**
         * AWS accepted the requests but, read back, does not show what was asked (a permissions boundary, the inline
         * deny policy, a tag, the role's policies): the AWS implementation is partial. Nothing was activated.
         */
        NOT_APPLIED
    }

    /**
     * Whether anything may remain in AWS.
     *
     * @since 0.1.0
     */
    public enum Residue {
        /** Nothing remains: nothing was created, or everything created was deleted and AWS confirmed it. */
        NONE,
        /** Something may remain: run {@link CanaryIssuer#revoke} (the coordinator does, now or in its recovery pass). */
        UNKNOWN
    }

    private final Reason reason;
    private final Residue residue;
    private final transient @Nullable String awsErrorCode;

    /**
     * @param message      what failed and what to do about it (never a secret)
     * @param reason       why
     * @param residue      whether anything may remain in AWS
     * @param awsErrorCode AWS's error code ({@code LimitExceeded}, ...), or {@code null}
     * @param cause        the SDK exception, or {@code null}
     */
    public CanaryIssuerException(String message, Reason reason, Residue residue, @Nullable String awsErrorCode,
                                 @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.residue = Objects.requireNonNull(residue, "residue");
        this.awsErrorCode = awsErrorCode;
    }

    /** Why the issuance failed. */
    public Reason reason() {
        return reason;
    }

    /** Whether anything may remain in AWS. */
    public Residue residue() {
        return residue;
    }

    /** AWS's error code, or {@code null} when the failure was not an AWS error response. */
    public @Nullable String awsErrorCode() {
        return awsErrorCode;
    }

    /** True when the same request may succeed later (throttling, an outage). */
    public boolean retryable() {
        return reason == Reason.THROTTLED || reason == Reason.UNAVAILABLE || reason == Reason.KEY_NOT_ACTIVE;
    }

    /** A copy with another residue (used when an undo failed). */
    public CanaryIssuerException withResidue(Residue newResidue) {
        CanaryIssuerException e = new CanaryIssuerException(Objects.requireNonNullElse(getMessage(), reason.name()), reason,
                newResidue, awsErrorCode, getCause());
        for (Throwable s : getSuppressed()) {
            e.addSuppressed(s);
        }
        return e;
    }
}
