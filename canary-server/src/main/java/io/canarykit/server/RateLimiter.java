package io.canarykit.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets by key (a caller's name, a source address): {@code perMinute} on average, {@code burst} at once.
 * Full buckets are forgotten, so the map holds only keys that spent something recently. Thread-safe.
 */
final class RateLimiter {
    private static final int SWEEP_EVERY = 1024;

    private final Clock clock;
    private final double perMinute;
    private final int burst;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private int calls;

    RateLimiter(Clock clock, double perMinute, int burst) {
        this.clock = clock;
        this.perMinute = perMinute;
        this.burst = burst;
    }

    /** Takes one token for {@code key}; returns 0 if it got one, else the seconds until one is free (at least 1). */
    synchronized long take(String key) {
        Bucket b = refill(key);
        if (b.tokens < 1) {
            return retryAfter(b);
        }
        b.tokens -= 1;
        return 0;
    }

    /** Like {@link #take} but without spending: 0 if a token is available, else the seconds until one is. */
    synchronized long check(String key) {
        Bucket b = buckets.get(key);
        if (b == null) {
            return 0;
        }
        b = refill(key);
        return b.tokens < 1 ? retryAfter(b) : 0;
    }

    double perMinute() {
        return perMinute;
    }

    private long retryAfter(Bucket b) {
        return Math.max(1, (long) Math.ceil((1 - b.tokens) / perMinute * 60));
    }

    private Bucket refill(String key) {
        Instant now = clock.instant();
        if (++calls % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        double add = Duration.between(b.at, now).toNanos() / 60e9 * perMinute;
        b.tokens = Math.min(burst, b.tokens + Math.max(0, add));
        b.at = now;
        return b;
    }

    private void sweep(Instant now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.tokens + Duration.between(b.at, now).toNanos() / 60e9 * perMinute >= burst) {
                it.remove();
            }
        }
    }

    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
