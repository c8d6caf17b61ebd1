package io.canarykit.server;

import io.canarykit.store.CanaryStore;
import io.canarykit.store.StoreEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link ReplayGuard} in the canary store: each one-time value becomes a conditional entry
 * ({@code replay:<id>}, set-if-absent) that expires when its window closes. A replay is therefore refused after a
 * restart and by every copy of the server that shares the store. Expired entries are purged now and then (at most once
 * every {@value #PURGE_MINUTES} minutes, by whichever call comes first).
 *
 * <p>Thread-safe; atomic as the store's set-if-absent is.
 *
 * @since 0.1.0
 */
public final class StoreReplayGuard implements ReplayGuard {
    /** The prefix of this guard's entry keys. */
    public static final String PREFIX = "replay:";
    static final int PURGE_MINUTES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(StoreReplayGuard.class);

    private final CanaryStore store;
    private final Clock clock;
    private final Object purgeLock = new Object();
    private Instant nextPurge;

    private StoreReplayGuard(CanaryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.nextPurge = clock.instant().plus(Duration.ofMinutes(PURGE_MINUTES));
    }

    /**
     * A guard over {@code store}.
     *
     * @throws UnsupportedOperationException if the store has no conditional entries (its message says which do)
     */
    public static StoreReplayGuard create(CanaryStore store, Clock clock) {
        Objects.requireNonNull(store, "store");
        store.entry(PREFIX + "probe"); // fails early for a store without conditional entries
        return new StoreReplayGuard(store, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public boolean firstUse(String id, Instant keepUntil) {
        Objects.requireNonNull(id, "id");
        if (id.length() > 200) {
            throw new IllegalArgumentException("a one-time value is at most 200 characters");
        }
        boolean first = store.putEntryIfAbsent(StoreEntry.of(PREFIX + id, "used", keepUntil));
        purgeNowAndThen();
        return first;
    }

    private void purgeNowAndThen() {
        Instant now = clock.instant();
        synchronized (purgeLock) {
            if (now.isBefore(nextPurge)) {
                return;
            }
            nextPurge = now.plus(Duration.ofMinutes(PURGE_MINUTES));
        }
        try {
            int n = store.purgeExpiredEntries(now);
            LOG.debug("purged {} expired store entries", n);
        } catch (RuntimeException e) {
            LOG.warn("could not purge expired store entries: {}", e.toString());
        }
    }
}
