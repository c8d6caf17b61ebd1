package io.canarykit.store;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CanaryStore} that forwards every call to another one: extend it and override only what a decorator
 * changes (metrics, tracing, caching, access control, fault injection in tests).
 *
 * @since 0.1.0
 */
public abstract class ForwardingCanaryStore implements CanaryStore {
    private final CanaryStore delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingCanaryStore(CanaryStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected CanaryStore delegate() {
        return delegate;
    }

    @Override
    public CanaryRecord create(CanaryRecord record) {
        return delegate.create(record);
    }

    @Override
    public CanaryRecord update(CanaryRecord record) {
        return delegate.update(record);
    }

    @Override
    public Optional<CanaryRecord> find(CanaryId id) {
        return delegate.find(id);
    }

    @Override
    public List<CanaryRecord> findByAccessKeyId(String accessKeyId) {
        return delegate.findByAccessKeyId(accessKeyId);
    }

    @Override
    public List<CanaryRecord> findByPrincipalName(String principalName) {
        return delegate.findByPrincipalName(principalName);
    }

    @Override
    public List<CanaryRecord> findByAsset(String assetKind, String assetId) {
        return delegate.findByAsset(assetKind, assetId);
    }

    @Override
    public Page<CanaryRecord> list(CanaryQuery query) {
        return delegate.list(query);
    }

    @Override
    public long countLive(String accountId) {
        return delegate.countLive(accountId);
    }

    @Override
    public boolean addSighting(Sighting sighting) {
        return delegate.addSighting(sighting);
    }

    @Override
    public List<Sighting> sightings(CanaryId id) {
        return delegate.sightings(id);
    }

    @Override
    public Optional<String> checkpoint(String key) {
        return delegate.checkpoint(key);
    }

    @Override
    public void saveCheckpoint(String key, String value) {
        delegate.saveCheckpoint(key, value);
    }

    @Override
    public Optional<StoreEntry> entry(String key) {
        return delegate.entry(key);
    }

    @Override
    public boolean putEntryIfAbsent(StoreEntry entry) {
        return delegate.putEntryIfAbsent(entry);
    }

    @Override
    public boolean replaceEntry(String expectedValue, StoreEntry replacement) {
        return delegate.replaceEntry(expectedValue, replacement);
    }

    @Override
    public boolean deleteEntry(String key, String expectedValue) {
        return delegate.deleteEntry(key, expectedValue);
    }

    @Override
    public int purgeExpiredEntries(Instant now) {
        return delegate.purgeExpiredEntries(now);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
