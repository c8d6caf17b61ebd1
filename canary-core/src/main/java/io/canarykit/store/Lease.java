package io.canarykit.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease held in a {@link CanaryStore} (see {@link Leases}): the named thing (a detector partition, a scheduled job)
 * belongs to {@code owner} until {@code expiresAt}, unless renewed. After that anyone may take it over.
 *
 * @param name      what is leased, such as {@code detector:cloudtrail-s3/partition-3}
 * @param owner     who holds it: a name unique to the holding process, such as {@code host-4711-8f3a}
 * @param token     a random value that is new each time the lease is acquired or taken over (not on renewal), so
 *                  that a holder can tell its own lease from a later one of the same owner name
 * @param expiresAt when the lease ends unless renewed (kept to the millisecond)
 *
 * @since 0.1.0
 */
public record Lease(String name, String owner, String token, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        expiresAt = Holds.millis(Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /** True if the lease has ended at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
