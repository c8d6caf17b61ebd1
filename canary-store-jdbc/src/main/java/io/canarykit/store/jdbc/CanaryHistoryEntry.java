package io.canarykit.store.jdbc;

import io.canarykit.CanaryId;
import io.canarykit.CanaryStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a canary as {@link JdbcCanaryStore} wrote it: every create and every compare-and-set update adds
 * one, in the same transaction as the change.
 *
 * @param canaryId    the canary
 * @param version     the record version this entry describes
 * @param status      the status the canary had at that version
 * @param accessKeyId the access key id at that version, or {@code null} while pending
 * @param recordedAt  when the store wrote that version (by the store's clock); for versions written before schema
 *                    version 2, the time the database was migrated to it
 *
 * @since 0.1.0
 */
public record CanaryHistoryEntry(CanaryId canaryId, long version, CanaryStatus status, String accessKeyId,
                                 Instant recordedAt) {
    /** Checks the required components. */
    public CanaryHistoryEntry {
        Objects.requireNonNull(canaryId, "canaryId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }
}
