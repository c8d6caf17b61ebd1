package io.canarykit.store;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persists canary records, their sightings and the detectors' checkpoints. It is the record a responder reads during
 * an incident: it must never lose or half-write anything. It holds no secret.
 *
 * <p>Every implementation passes {@code io.canarykit.testkit.store.CanaryStoreContract}. Implementations are
 * thread-safe.
 *
 * <h2>Conditional entries</h2>
 * Besides records, sightings and checkpoints, a store keeps {@linkplain StoreEntry entries}: small values under keys
 * that are written only by compare-and-set, atomically against every other writer of the same store (other threads,
 * other processes, other machines): {@link #putEntryIfAbsent set-if-absent}, {@link #replaceEntry replace-if-equal}
 * and {@link #deleteEntry delete-if-equal}. They are the one primitive that coordination across processes is built on:
 * {@link Leases} (a detector partition held by one process, taken over when its holder dies), {@link Claims} (an alert
 * delivered by one process only) and replay protection (a signature remembered until its window closes). An entry may
 * carry an expiry; an expired entry behaves like any other until it is purged ({@link #purgeExpiredEntries}, or the
 * backend's own expiry such as DynamoDB TTL), which may happen at any time after it expired. Code built on entries
 * must therefore treat "expired" and "absent" alike, which {@link Leases} and {@link Claims} do.
 *
 * <p>The entry methods have default implementations that throw {@link UnsupportedOperationException}, so that stores
 * written before they existed still compile; every store shipped with canarykit implements them, and features that
 * need them (alerts across processes, leases, replay protection) fail with that exception on a store that does not.
 *
 * @since 0.1.0
 */
public interface CanaryStore extends AutoCloseable {

    /**
     * Stores a new record with version 1, if no record has its id (conditional create).
     *
     * @return the stored record (version 1)
     * @throws DuplicateCanaryException if a record with this id exists; nothing is written
     */
    CanaryRecord create(CanaryRecord record);

    /**
     * Compare-and-set: replaces the stored record if its version equals {@code record.version()}, storing
     * version + 1.
     *
     * @return the stored record with its new version
     * @throws StaleVersionException  if the stored version differs; nothing is written
     * @throws CanaryNotFoundException if there is no record with this id
     */
    CanaryRecord update(CanaryRecord record);

    /** The record with this id. */
    Optional<CanaryRecord> find(CanaryId id);

    /**
     * Every record that used this access key id, oldest first. Short-term access key ids are not unique, so several
     * records can share one: match a use to a record by its validity window ({@link CanaryRecord#validAt}).
     */
    List<CanaryRecord> findByAccessKeyId(String accessKeyId);

    /** Every record whose principal has this name (IAM user, role session or federated user name), oldest first. */
    List<CanaryRecord> findByPrincipalName(String principalName);

    /** Every record planted in this asset, oldest first. */
    List<CanaryRecord> findByAsset(String assetKind, String assetId);

    /** One page of a listing, in canary-id order. */
    Page<CanaryRecord> list(CanaryQuery query);

    /** How many live canaries (see {@link io.canarykit.CanaryStatus#isLive()}) the account holds. */
    long countLive(String accountId);

    /**
     * Stores a sighting of the canary {@link io.canarykit.Sighting#canaryId()} once: a second sighting with the same
     * {@code (source, sourceEventId)} is ignored.
     *
     * @return true if it was new
     * @throws IllegalArgumentException if the sighting has no canary id
     */
    boolean addSighting(Sighting sighting);

    /** The canary's sightings, in time order. */
    List<Sighting> sightings(CanaryId id);

    /** A detector's checkpoint, by key (for example {@code cloudtrail-s3:<bucket>/<prefix>}). */
    Optional<String> checkpoint(String key);

    /** Saves a detector's checkpoint. */
    void saveCheckpoint(String key, String value);

    /**
     * The entry under {@code key}, expired or not, as last written.
     *
     * @throws IllegalArgumentException      if the key is not a valid {@linkplain StoreEntry#checkKey entry key}
     * @throws UnsupportedOperationException if this store has no conditional entries
     */
    default Optional<StoreEntry> entry(String key) {
        throw entriesUnsupported();
    }

    /**
     * Set-if-absent: stores {@code entry} if no entry (expired or not) has its key.
     *
     * @return true if it was stored; false if an entry with the key exists, which is left as it is
     * @throws UnsupportedOperationException if this store has no conditional entries
     */
    default boolean putEntryIfAbsent(StoreEntry entry) {
        throw entriesUnsupported();
    }

    /**
     * Compare-and-set by value: replaces the entry under {@code replacement.key()} with {@code replacement} if its
     * current value equals {@code expectedValue} exactly (expired or not).
     *
     * @return true if it was replaced; false if there is no such entry or its value differs (nothing is written)
     * @throws UnsupportedOperationException if this store has no conditional entries
     */
    default boolean replaceEntry(String expectedValue, StoreEntry replacement) {
        throw entriesUnsupported();
    }

    /**
     * Delete-if-equal: removes the entry under {@code key} if its value equals {@code expectedValue} exactly.
     *
     * @return true if it was removed; false if there is no such entry or its value differs
     * @throws UnsupportedOperationException if this store has no conditional entries
     */
    default boolean deleteEntry(String key, String expectedValue) {
        throw entriesUnsupported();
    }

    /**
     * Removes every entry whose expiry is at or before {@code now}. Run it now and then (the server does); an entry
     * renewed concurrently (a new expiry after {@code now}) is not removed.
     *
     * @return how many entries were removed
     * @throws UnsupportedOperationException if this store has no conditional entries
     */
    default int purgeExpiredEntries(Instant now) {
        throw entriesUnsupported();
    }

    private UnsupportedOperationException entriesUnsupported() {
        return new UnsupportedOperationException(getClass().getName() + " has no conditional entries (entry,"
                + " putEntryIfAbsent, replaceEntry, deleteEntry, purgeExpiredEntries), which alerts across processes,"
                + " leases and replay protection need: implement them and run io.canarykit.testkit.store.CanaryStoreContract,"
                + " or use a store that has them (in-memory, jdbc, dynamodb)");
    }

    /** Releases resources the store owns (not those the caller supplied). */
    @Override
    default void close() {
    }
}
