package io.canarykit.store;

import io.canarykit.CanaryId;

/**
 * A compare-and-set {@link CanaryStore#update} lost: the stored record changed since it was read. Nothing was
 * written; read the record again, re-apply the change and retry.
 *
 * @since 0.1.0
 */
public final class StaleVersionException extends CanaryStoreException {
    private static final long serialVersionUID = 1L;
    private final transient CanaryId id;
    private final long expectedVersion;

    public StaleVersionException(CanaryId id, long expectedVersion, String actual) {
        super("canary " + id + " was changed concurrently: expected version " + expectedVersion + ", found " + actual
                + "; read it again and retry", true);
        this.id = id;
        this.expectedVersion = expectedVersion;
    }

    public CanaryId id() {
        return id;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
