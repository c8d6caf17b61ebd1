package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
import io.canarykit.issue.CanaryIssuerException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Classifies SDK failures: who must act, and whether the request may have taken effect. */
final class AwsErrors {
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
            "SlowDown");
    private static final Set<String> UNSUPPORTED = Set.of("NotImplemented", "InvalidAction", "UnknownOperation",
            "UnknownOperationException", "UnsupportedOperation", "UnsupportedOperationException");

    private AwsErrors() {
    }

    /** AWS's error code, or {@code null} when the failure was not an AWS error response. */
    static @Nullable String code(Throwable e) {
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
            String code = code(e);
            return ase.isThrottlingException() || (code != null && THROTTLING.contains(code));
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

    /**
     * What AWS said, for messages: {@code Code: message (HTTP 409, request id)}; an answer without an AWS error in its
     * body (an implementation that lacks the call answers a bare HTTP 500) is described by its status; a failure that
     * never reached AWS by its kind. Never request parameters, never "null".
     */
    static String describe(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            String code = code(e);
            String message = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorMessage();
            StringBuilder sb = new StringBuilder();
            if (code != null && !code.isBlank()) {
                sb.append(code);
                if (message != null && !message.isBlank()) {
                    sb.append(": ").append(message);
                }
                sb.append(" (HTTP ").append(ase.statusCode());
            } else {
                sb.append("HTTP ").append(ase.statusCode()).append(" without an AWS error in the body (");
                sb.append(ase.statusCode() >= 500 ? "the service may not implement this call" : "no error code");
            }
            if (ase.requestId() != null && !ase.requestId().isBlank()) {
                sb.append(", request ").append(ase.requestId());
            }
            return sb.append(')').toString();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * True when the service does not seem to implement the call: an HTTP 5xx without an AWS error code, or
     * {@code NotImplemented}/{@code InvalidAction}-style codes.
     */
    static boolean isUnsupported(Throwable e) {
        if (!(e instanceof AwsServiceException ase)) {
            return false;
        }
        String code = code(e);
        if (code == null || code.isBlank()) {
            return ase.statusCode() >= 500;
        }
        return UNSUPPORTED.contains(code);
    }

    /**
     * True when trying the same call again may work: throttling, a 5xx, an unimplemented-looking answer or a failure
     * that never reached AWS (connection reset, timeout).
     */
    static boolean isTransient(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            return isThrottling(e) || ase.statusCode() >= 500 || isUnsupported(e);
        }
        return e instanceof SdkException;
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
