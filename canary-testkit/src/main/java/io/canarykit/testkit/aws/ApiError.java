package io.canarykit.testkit.aws;

import org.jspecify.annotations.Nullable;

/**
 * An AWS error answer: code, HTTP status and message, formatted later in the service's protocol. Carries no stack
 * trace (it is control flow, thrown on every refused call).
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final String code;
    final int status;
    /** The CloudTrail {@code errorCode} when it differs from {@link #code} (EC2's {@code Client.} prefix). */
    final String trailCode;
    /** Authentication failures are not attributed to an account, so they leave no CloudTrail record. */
    final boolean authentication;

    ApiError(String code, int status, String message) {
        this(code, status, message, null, false);
    }

    ApiError(String code, int status, String message, @Nullable String trailCode, boolean authentication) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.trailCode = trailCode == null ? code : trailCode;
        this.authentication = authentication;
    }

    boolean serverFault() {
        return status >= 500;
    }

    static ApiError validation(String message) {
        return new ApiError("ValidationError", 400, message);
    }

    static ApiError constraint(String value, String member, String constraint) {
        return validation("1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    static ApiError noSuchEntity(String message) {
        return new ApiError("NoSuchEntity", 404, message);
    }

    static ApiError limitExceeded(String message) {
        return new ApiError("LimitExceeded", 409, message);
    }

    static ApiError alreadyExists(String message) {
        return new ApiError("EntityAlreadyExists", 409, message);
    }

    static ApiError deleteConflict(String message) {
        return new ApiError("DeleteConflict", 409, message);
    }

    static ApiError invalidInput(String message) {
        return new ApiError("InvalidInput", 400, message);
    }

    static ApiError malformedPolicy(String message) {
        return new ApiError("MalformedPolicyDocument", 400, message);
    }
}
