package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.store.ForwardingCanaryStore;
import io.canarykit.store.InMemoryCanaryStore;

/**
 * A store that "crashes the process" (throws an {@link Error} nobody catches) just before its n-th write, to test
 * restarts at every point. The writes before it stay in the underlying store, as they would on disk.
 */
class CrashingStore extends ForwardingCanaryStore {
    /** The simulated crash. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash before " + where);
        }
    }

    /** Counts writes (store writes and alert deliveries) across a store and a sink. */
    static final class Writes {
        int count;
        int crashAt = Integer.MAX_VALUE;
        String previous;
        private String last;

        void write(String what) {
            count++;
            if (count == crashAt) {
                previous = last;
                throw new Crash(what);
            }
            last = what;
        }
    }

    final InMemoryCanaryStore delegate;
    final Writes writes;

    CrashingStore(InMemoryCanaryStore delegate, Writes writes) {
        super(delegate);
        this.delegate = delegate;
        this.writes = writes;
    }

    @Override
    public CanaryRecord create(CanaryRecord record) {
        writes.write("create");
        return delegate.create(record);
    }

    @Override
    public CanaryRecord update(CanaryRecord record) {
        writes.write("update " + record.id());
        return delegate.update(record);
    }

    @Override
    public boolean addSighting(Sighting sighting) {
        writes.write("addSighting " + sighting.sourceEventId());
        return delegate.addSighting(sighting);
    }

    @Override
    public boolean putEntryIfAbsent(io.canarykit.store.StoreEntry entry) {
        writes.write("putEntryIfAbsent " + entry.key());
        return delegate.putEntryIfAbsent(entry);
    }

    @Override
    public boolean replaceEntry(String expectedValue, io.canarykit.store.StoreEntry replacement) {
        writes.write("replaceEntry " + replacement.key());
        return delegate.replaceEntry(expectedValue, replacement);
    }

    @Override
    public boolean deleteEntry(String key, String expectedValue) {
        writes.write("deleteEntry " + key);
        return delegate.deleteEntry(key, expectedValue);
    }

    @Override
    public void saveCheckpoint(String key, String value) {
        writes.write("saveCheckpoint " + key);
        delegate.saveCheckpoint(key, value);
    }
}
