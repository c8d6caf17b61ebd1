package io.canarykit.issue;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.ForwardingCanaryStore;
import io.canarykit.store.InMemoryCanaryStore;

import java.util.Optional;

/** An in-memory store whose create/update/find calls can fail before or after taking effect, or "crash". */
final class FaultyStore extends ForwardingCanaryStore {
    final InMemoryCanaryStore delegate;

    FaultyStore() {
        this(InMemoryCanaryStore.create());
    }

    private FaultyStore(InMemoryCanaryStore delegate) {
        super(delegate);
        this.delegate = delegate;
    }
    final Faults faults = new Faults();

    private static CanaryStoreException failure(String op) {
        return new CanaryStoreException("simulated " + op + " failure", true);
    }

    @Override
    public CanaryRecord create(CanaryRecord record) {
        return faults.run("store-create", () -> delegate.create(record), () -> failure("create"));
    }

    @Override
    public CanaryRecord update(CanaryRecord record) {
        return faults.run("store-update", () -> delegate.update(record), () -> failure("update"));
    }

    @Override
    public Optional<CanaryRecord> find(CanaryId id) {
        return faults.run("store-find", () -> delegate.find(id), () -> failure("find"));
    }

}
