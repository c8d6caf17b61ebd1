package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
import io.canarykit.issue.CanaryIssuerException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Classifies SDK failures: who must act, and whether the request may have taken effect. */
final class AwsErrors {
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
            "SlowDown");

    private AwsErrors() {
    }

    /** AWS's error code, or {@code null} when the failure was not an AWS error response. */
    static String code(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            return ase.awsErrorDetails().errorCode();
        }
        return null;
    }

    static boolean is(Throwable e, String code) {
        return code.equals(code(e));
    }

    static boolean isThrottling(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || THROTTLING.contains(code(e));
        }
        return false;
    }

    /**
     * True when the request surely had no effect: AWS answered with a client error (4xx, throttling included). A 5xx,
     * a timeout or a broken connection may come after AWS acted.
     */
    static boolean definitelyNotApplied(Throwable e) {
        return e instanceof AwsServiceException ase && ase.statusCode() >= 400 && ase.statusCode() < 500;
    }

    /** What AWS said, for messages: {@code Code: message (request id)}; never request parameters. */
    static String describe(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            return ase.awsErrorDetails().errorCode() + ": " + ase.awsErrorDetails().errorMessage()
                    + " (HTTP " + ase.statusCode() + ", request " + ase.requestId() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Why an issuance step failed. */
    static CanaryIssuerException.Reason reason(SdkException e, boolean quotaMeansFull) {
        String code = code(e);
        if (isThrottling(e)) {
            return CanaryIssuerException.Reason.THROTTLED;
        }
        if ("EntityAlreadyExists".equals(code)) {
            return CanaryIssuerException.Reason.NAME_TAKEN;
        }
        if ("LimitExceeded".equals(code) && quotaMeansFull) {
            return CanaryIssuerException.Reason.QUOTA_EXCEEDED;
        }
        if (definitelyNotApplied(e)) {
            return CanaryIssuerException.Reason.REFUSED;
        }
        return CanaryIssuerException.Reason.UNAVAILABLE;
    }

    /** An issuer failure for {@code operation}. */
    static CanaryIssuerException issueFailure(String operation, SdkException e, boolean quotaMeansFull,
                                              CanaryIssuerException.Residue residue) {
        CanaryIssuerException.Reason reason = reason(e, quotaMeansFull);
        String hint = switch (reason) {
            case NAME_TAKEN -> "; ask the namer for another name";
            case QUOTA_EXCEEDED -> "; the account is full: add an issuing account or revoke unused canaries";
            case THROTTLED -> "; AWS kept throttling after the SDK's retries: lower the concurrency";
            case REFUSED -> "; check the issuer's permissions and the request";
            default -> "; AWS or the network failed: try again";
        };
        return new CanaryIssuerException(operation + " failed: " + describe(e) + hint, reason, residue, code(e), e);
    }

    /** A failure of a revocation step; calling revoke again later is safe. */
    static CanaryException revokeFailure(String operation, String what, SdkException e) {
        return new CanaryException(operation + " for " + what + " failed: " + describe(e)
                + "; the revocation is idempotent: run it again (the recovery pass does)", e);
    }
}
