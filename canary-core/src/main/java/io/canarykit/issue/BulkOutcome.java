package io.canarykit.issue;

import io.canarykit.CanaryException;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one request of a bulk issuance: a result or the exception, never both.
 *
 * @param index  the request's position in the input
 * @param result the issued canary, or {@code null} if it failed
 * @param error  why it failed, or {@code null}
 *
 * @since 0.1.0
 */
public record BulkOutcome(int index, @Nullable IssuanceResult result, @Nullable CanaryException error) {
    public BulkOutcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("a bulk outcome has exactly one of result and error");
        }
    }

    /** True if the canary was issued. */
    public boolean succeeded() {
        return result != null;
    }
}
