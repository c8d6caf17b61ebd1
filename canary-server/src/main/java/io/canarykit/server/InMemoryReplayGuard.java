package io.canarykit.server;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ReplayGuard} in this process's memory: a restart forgets what it saw, so use it only where the server's
 * store-backed guard is not available (tests, a single short-lived process).
 *
 * @since 0.1.0
 */
public final class InMemoryReplayGuard implements ReplayGuard {
    private final Clock clock;
    private final Map<String, Instant> seen = new HashMap<>();

    private InMemoryReplayGuard(Clock clock) {
        this.clock = clock;
    }

    /** A guard with the system clock. */
    public static InMemoryReplayGuard create() {
        return create(Clock.systemUTC());
    }

    /** A guard that forgets ids by {@code clock}. */
    public static InMemoryReplayGuard create(Clock clock) {
        return new InMemoryReplayGuard(Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public synchronized boolean firstUse(String id, Instant keepUntil) {
        Instant now = clock.instant();
        for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().isBefore(now)) {
                it.remove();
            }
        }
        return seen.putIfAbsent(id, keepUntil) == null;
    }
}
