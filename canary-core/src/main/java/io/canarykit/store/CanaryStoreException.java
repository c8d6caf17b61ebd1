package io.canarykit.store;

import io.canarykit.CanaryException;

/**
 * The store's backend failed or refused a write. {@link #retryable()} says whether trying again may help.
 *
 * @since 0.1.0
 */
public class CanaryStoreException extends CanaryException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public CanaryStoreException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public CanaryStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when the same call may succeed later (a timeout, throttling, a lost connection). */
    public boolean retryable() {
        return retryable;
    }
}
