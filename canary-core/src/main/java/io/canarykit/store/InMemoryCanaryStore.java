package io.canarykit.store;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A {@link CanaryStore} in memory, for tests and short-lived programs. Thread-safe; every operation is atomic.
 * Nothing survives the process.
 *
 * @since 0.1.0
 */
public final class InMemoryCanaryStore implements CanaryStore {
    private final TreeMap<CanaryId, CanaryRecord> records = new TreeMap<>();
    private final Map<CanaryId, List<Sighting>> sightings = new HashMap<>();
    private final Map<String, CanaryId> sightingKeys = new HashMap<>();
    private final Map<String, String> checkpoints = new LinkedHashMap<>();
    private final Map<String, StoreEntry> entries = new HashMap<>();

    /** An empty store. */
    public static InMemoryCanaryStore create() {
        return new InMemoryCanaryStore();
    }

    @Override
    public synchronized CanaryRecord create(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        if (records.containsKey(record.id())) {
            throw new DuplicateCanaryException(record.id());
        }
        CanaryRecord stored = record.withVersion(1);
        records.put(stored.id(), stored);
        return stored;
    }

    @Override
    public synchronized CanaryRecord update(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        CanaryRecord current = records.get(record.id());
        if (current == null) {
            throw new CanaryNotFoundException(record.id());
        }
        if (current.version() != record.version()) {
            throw new StaleVersionException(record.id(), record.version(), "version " + current.version());
        }
        CanaryRecord stored = record.withVersion(current.version() + 1);
        records.put(stored.id(), stored);
        return stored;
    }

    @Override
    public synchronized Optional<CanaryRecord> find(CanaryId id) {
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public List<CanaryRecord> findByAccessKeyId(String accessKeyId) {
        return select(r -> accessKeyId.equals(r.accessKeyId()));
    }

    @Override
    public List<CanaryRecord> findByPrincipalName(String principalName) {
        return select(r -> principalName.equals(r.principal().name()));
    }

    @Override
    public List<CanaryRecord> findByAsset(String assetKind, String assetId) {
        return select(r -> r.asset().kind().equals(assetKind) && r.asset().id().equals(assetId));
    }

    @Override
    public synchronized Page<CanaryRecord> list(CanaryQuery query) {
        Map<CanaryId, CanaryRecord> tail = query.cursor() == null ? records
                : records.tailMap(CanaryId.parse(query.cursor()), false);
        List<CanaryRecord> out = new ArrayList<>();
        for (CanaryRecord r : tail.values()) {
            if (query.matches(r.status(), r.accountId(), r.kind())) {
                if (out.size() == query.limit()) {
                    return new Page<>(out, out.get(out.size() - 1).id().value());
                }
                out.add(r);
            }
        }
        return new Page<>(out, null);
    }

    @Override
    public synchronized long countLive(String accountId) {
        return records.values().stream().filter(r -> r.accountId().equals(accountId) && r.status().isLive()).count();
    }

    @Override
    public synchronized boolean addSighting(Sighting sighting) {
        Objects.requireNonNull(sighting, "sighting");
        if (sighting.canaryId() == null) {
            throw new IllegalArgumentException("sighting " + sighting.source() + "/" + sighting.sourceEventId()
                    + " is not matched to a canary: set its canaryId before storing it");
        }
        String key = sighting.source() + '\u0000' + sighting.sourceEventId();
        if (sightingKeys.containsKey(key)) {
            return false;
        }
        sightingKeys.put(key, sighting.canaryId());
        sightings.computeIfAbsent(sighting.canaryId(), k -> new ArrayList<>()).add(sighting);
        return true;
    }

    @Override
    public synchronized List<Sighting> sightings(CanaryId id) {
        List<Sighting> list = new ArrayList<>(sightings.getOrDefault(id, List.of()));
        list.sort(Comparator.comparing(Sighting::time));
        return List.copyOf(list);
    }

    @Override
    public synchronized Optional<String> checkpoint(String key) {
        return Optional.ofNullable(checkpoints.get(key));
    }

    @Override
    public synchronized void saveCheckpoint(String key, String value) {
        checkpoints.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public synchronized Optional<StoreEntry> entry(String key) {
        return Optional.ofNullable(entries.get(StoreEntry.checkKey(key)));
    }

    @Override
    public synchronized boolean putEntryIfAbsent(StoreEntry entry) {
        Objects.requireNonNull(entry, "entry");
        return entries.putIfAbsent(entry.key(), entry) == null;
    }

    @Override
    public synchronized boolean replaceEntry(String expectedValue, StoreEntry replacement) {
        Objects.requireNonNull(expectedValue, "expectedValue");
        Objects.requireNonNull(replacement, "replacement");
        StoreEntry current = entries.get(replacement.key());
        if (current == null || !current.value().equals(expectedValue)) {
            return false;
        }
        entries.put(replacement.key(), replacement);
        return true;
    }

    @Override
    public synchronized boolean deleteEntry(String key, String expectedValue) {
        Objects.requireNonNull(expectedValue, "expectedValue");
        StoreEntry current = entries.get(StoreEntry.checkKey(key));
        if (current == null || !current.value().equals(expectedValue)) {
            return false;
        }
        entries.remove(key);
        return true;
    }

    @Override
    public synchronized int purgeExpiredEntries(Instant now) {
        Objects.requireNonNull(now, "now");
        int before = entries.size();
        entries.values().removeIf(e -> e.expiredAt(now));
        return before - entries.size();
    }

    private synchronized List<CanaryRecord> select(Predicate<CanaryRecord> filter) {
        List<CanaryRecord> out = new ArrayList<>();
        for (CanaryRecord r : records.values()) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public synchronized String toString() {
        return "InMemoryCanaryStore[" + records.size() + " canaries]";
    }
}
