package io.canarykit.store;

import io.canarykit.CanaryId;

/**
 * An update or lookup named a canary the store does not hold.
 *
 * @since 0.1.0
 */
public final class CanaryNotFoundException extends CanaryStoreException {
    private static final long serialVersionUID = 1L;

    public CanaryNotFoundException(CanaryId id) {
        super("no canary with id " + id + " in the store", false);
    }
}
