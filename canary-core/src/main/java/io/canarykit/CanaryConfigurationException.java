package io.canarykit;

import org.jspecify.annotations.Nullable;

/**
 * The caller's configuration or input is wrong; the message says what and how to fix it. Thrown at set-up time or
 * before anything is written.
 *
 * @since 0.1.0
 */
public class CanaryConfigurationException extends CanaryException {
    private static final long serialVersionUID = 1L;

    public CanaryConfigurationException(String message) {
        super(message);
    }

    public CanaryConfigurationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
