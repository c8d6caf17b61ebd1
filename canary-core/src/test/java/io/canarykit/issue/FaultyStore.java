package io.canarykit.issue;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.store.Page;

import java.util.List;
import java.util.Optional;

/** An in-memory store whose create/update/find calls can fail before or after taking effect, or "crash". */
final class FaultyStore implements CanaryStore {
    final InMemoryCanaryStore delegate = InMemoryCanaryStore.create();
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
}
