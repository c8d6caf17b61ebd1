package io.canarykit.store;

import io.canarykit.CanaryId;

/**
 * {@link CanaryStore#create} found a record with the same id: nothing was written.
 *
 * @since 0.1.0
 */
public final class DuplicateCanaryException extends CanaryStoreException {
    private static final long serialVersionUID = 1L;
    private final transient CanaryId id;

    public DuplicateCanaryException(CanaryId id) {
        super("a canary with id " + id + " already exists; canary ids are unique, generate a new one", false);
        this.id = id;
    }

    public CanaryId id() {
        return id;
    }
}
