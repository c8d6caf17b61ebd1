package io.canarykit.server;

import io.canarykit.detect.PartitionGate;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Lease;
import io.canarykit.store.Leases;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases one server process holds in the store ({@link Leases}): a scheduled loop ({@code loop:<name>}), a
 * detector ({@code detector:<source>}) or a detector partition ({@code detector:<source>/<partition>}). A lease, once
 * taken, is kept: {@link #renewAll()} (called at a third of the lease duration) extends every one this process holds,
 * so the holder keeps its work across passes and another process takes it over only when the holder stops renewing
 * (it died, hung or lost the store) and the lease expired. {@link #releaseAll()} gives them up at a graceful stop, so
 * that others take over at once.
 *
 * <p>A lease counts as held only until shortly before its recorded expiry (a tenth of the duration early), so that a
 * holder whose renewals failed stops before anyone may take over. A store without conditional entries cannot lease:
 * then everything is allowed (one process only), with one warning.
 *
 * <p>Thread-safe.
 */
final class LeaseKeeper implements PartitionGate {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final String owner;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private volatile @Nullable Leases leases;
    private volatile boolean unsupported;
    private volatile boolean closed;

    LeaseKeeper(String owner, Duration ttl, Clock clock) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts leasing in {@code store} (the service's, once built). */
    void bind(CanaryStore store) {
        try {
            store.entry("lease:probe");
            leases = Leases.create(store, clock);
        } catch (UnsupportedOperationException e) {
            unsupported = true;
            LOG.warn("the store {} has no conditional entries, so this server cannot lease its loops and detectors:"
                    + " run only one copy on it ({})", store.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** This process's name in the leases. */
    String owner() {
        return owner;
    }

    /**
     * True if this process holds {@code name} now: held already and not near its expiry, else taken (free, expired,
     * or ours from before). False if another process holds it, the store failed (logged), or the keeper is closed.
     */
    boolean hold(String name) {
        if (closed) {
            return false;
        }
        if (unsupported) {
            return true;
        }
        Leases l = leases;
        if (l == null) {
            return false;
        }
        Instant now = clock.instant();
        Lease mine = held.get(name);
        if (mine != null && !mine.expiredAt(now.plus(ttl.dividedBy(10)))) {
            return true;
        }
        try {
            Optional<Lease> got = l.acquire(name, owner, ttl);
            if (got.isPresent()) {
                if (held.put(name, got.get()) == null) {
                    LOG.info("took the lease on {} until {}", name, got.get().expiresAt());
                }
                return true;
            }
            if (held.remove(name) != null) {
                LOG.warn("lost the lease on {}: another process holds it", name);
            }
            return false;
        } catch (RuntimeException e) {
            LOG.warn("could not take the lease on {} (tried again next time): {}", name, e.toString());
            return false;
        }
    }

    @Override
    public boolean enter(String detector, @Nullable String partition) {
        return hold("detector:" + detector + (partition == null ? "" : "/" + partition));
    }

    /** Extends every held lease; a lease that cannot be renewed is dropped (and logged). */
    void renewAll() {
        Leases l = leases;
        if (l == null || closed) {
            return;
        }
        for (Map.Entry<String, Lease> e : held.entrySet()) {
            try {
                Optional<Lease> renewed = l.renew(e.getValue(), ttl);
                if (renewed.isPresent()) {
                    held.replace(e.getKey(), e.getValue(), renewed.get());
                } else {
                    held.remove(e.getKey(), e.getValue());
                    LOG.warn("lost the lease on {}: it expired and another process took it over", e.getKey());
                }
            } catch (RuntimeException x) {
                LOG.warn("could not renew the lease on {} (retried; it counts as held until {}): {}", e.getKey(),
                        e.getValue().expiresAt().minus(ttl.dividedBy(10)), x.toString());
            }
        }
    }

    /** Releases every held lease and takes no more. */
    void releaseAll() {
        closed = true;
        Leases l = leases;
        if (l == null) {
            return;
        }
        for (Map.Entry<String, Lease> e : held.entrySet()) {
            try {
                l.release(e.getValue());
                LOG.info("released the lease on {}", e.getKey());
            } catch (RuntimeException x) {
                LOG.warn("could not release the lease on {} (it expires at {}): {}", e.getKey(),
                        e.getValue().expiresAt(), x.toString());
            }
        }
        held.clear();
    }

    /** The leases held now, by name. */
    Map<String, Lease> held() {
        return new TreeMap<>(held);
    }

    /** The renewal period: a third of the lease duration. */
    Duration renewEvery() {
        return ttl.dividedBy(3);
    }
}
