package io.canarykit.store;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;

import java.util.List;
import java.util.Optional;

/**
 * Persists canary records, their sightings and the detectors' checkpoints. It is the record a responder reads during
 * an incident: it must never lose or half-write anything. It holds no secret.
 *
 * <p>Every implementation passes {@code io.canarykit.testkit.store.CanaryStoreContract}. Implementations are
 * thread-safe.
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

    /** Releases resources the store owns (not those the caller supplied). */
    @Override
    default void close() {
    }
}
