package io.canarykit;

import org.jspecify.annotations.Nullable;

/**
 * Base of every exception canarykit throws. Unchecked, like the AWS SDK's. A message never contains a secret access
 * key or a session token.
 *
 * @since 0.1.0
 */
public class CanaryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CanaryException(String message) {
        super(message);
    }

    public CanaryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
