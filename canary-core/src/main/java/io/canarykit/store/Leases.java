package io.canarykit.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Leases kept in a {@link CanaryStore} by compare-and-set on its {@linkplain StoreEntry entries}: at most one owner
 * holds a name at a time (across threads, processes and machines sharing the store), and a lease whose holder stopped
 * renewing it is taken over once it expires.
 *
 * <pre>{@code
 * Leases leases = Leases.create(store, clock);
 * Optional<Lease> held = leases.acquire("detector:cloudtrail-sqs/3", instanceId, Duration.ofMinutes(2));
 * // work, calling leases.renew(lease, ttl) well before it expires; stop at once if renew returns empty
 * leases.release(lease);
 * }</pre>
 *
 * <p>Times come from the given clock, so holders' clocks must roughly agree: keep the lease duration far above the
 * clock skew between machines (seconds) and renew at a third of it. The entry of a lease is {@code lease:<name>} and
 * expires with the lease, so {@link CanaryStore#purgeExpiredEntries} clears abandoned ones.
 *
 * <p>Thread-safe; holds no state of its own.
 *
 * @since 0.1.0
 */
public final class Leases {
    private static final String PREFIX = "lease:";
    private static final int ATTEMPTS = 8;

    private final CanaryStore store;
    private final Clock clock;

    private Leases(CanaryStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Leases in {@code store}, timed by {@code clock}. */
    public static Leases create(CanaryStore store, Clock clock) {
        return new Leases(store, clock);
    }

    /**
     * Takes the lease on {@code name} for {@code ttl}: if nobody holds it, if its holder's lease has expired (taken
     * over), or if {@code owner} itself holds it (renewed, with a new token).
     *
     * @return the lease, or empty if another owner holds an unexpired lease
     * @throws IllegalArgumentException if the owner is blank or the duration not positive
     */
    public Optional<Lease> acquire(String name, String owner, Duration ttl) {
        Holds.checkOwner(owner);
        String key = key(name);
        positive(ttl);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Lease fresh = new Lease(name, owner, Holds.newToken(), now.plus(ttl));
            if (store.putEntryIfAbsent(entry(fresh))) {
                return Optional.of(fresh);
            }
            Optional<StoreEntry> current = store.entry(key);
            if (current.isEmpty()) {
                continue; // purged or released in between: try again
            }
            Lease held = decode(name, current.get());
            if (held.owner().equals(owner) || held.expiredAt(now)) {
                if (store.replaceEntry(current.get().value(), entry(fresh))) {
                    return Optional.of(fresh);
                }
                continue; // someone else changed it first: look again
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Extends a lease this process holds to {@code ttl} from now.
     *
     * @return the renewed lease (same token), or empty if the lease was lost (taken over or released): stop the work
     *         it guarded at once
     */
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        Objects.requireNonNull(lease, "lease");
        positive(ttl);
        Lease renewed = new Lease(lease.name(), lease.owner(), lease.token(), clock.instant().plus(ttl));
        return store.replaceEntry(encode(lease), entry(renewed)) ? Optional.of(renewed) : Optional.empty();
    }

    /**
     * Gives a lease up at once, so that another owner can take it without waiting for its expiry.
     *
     * @return true if it was still held and is now released; false if it had already been lost
     */
    public boolean release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return store.deleteEntry(key(lease.name()), encode(lease));
    }

    /** The lease on {@code name} if someone holds it now (an expired lease counts as not held). */
    public Optional<Lease> holder(String name) {
        Instant now = clock.instant();
        return store.entry(key(name)).map(e -> decode(name, e)).filter(l -> !l.expiredAt(now));
    }

    private static String key(String name) {
        Objects.requireNonNull(name, "name");
        return StoreEntry.checkKey(PREFIX + name);
    }

    private static StoreEntry entry(Lease lease) {
        return StoreEntry.of(key(lease.name()), encode(lease), lease.expiresAt());
    }

    private static String encode(Lease lease) {
        return Holds.encode(new Holds.Hold(lease.owner(), lease.token(), lease.expiresAt(), false, null));
    }

    private static Lease decode(String name, StoreEntry entry) {
        Holds.Hold h = Holds.decode(entry, "lease");
        return new Lease(name, h.owner(), h.token(), h.expiresAt());
    }

    private static void positive(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease lasts a positive duration, not " + ttl);
        }
    }

    @Override
    public String toString() {
        return "Leases[" + store + "]";
    }
}
