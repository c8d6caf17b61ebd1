package io.canarykit.aws.detect;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Spaces calls so that at most {@code permitsPerSecond} go out per key (LookupEvents: 2 per second per account and
 * region, not adjustable). {@link #shared()} is the one instance of the process, so that every detector, thread and
 * engine in it shares the budget; it spaces calls 600 ms apart, a little under AWS's 2 per second so that network
 * jitter (a call that arrives late next to one that arrives early) never makes two calls look closer than 500 ms.
 *
 * <p>Thread-safe; callers of one key queue in turn.
 *
 * @since 0.1.0
 */
public final class LookupRateLimiter {
    /**
     * Waits; tests pass one that records instead.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code nanos}. */
        void sleep(long nanos) throws InterruptedException;
    }

    private static final LookupRateLimiter SHARED = new LookupRateLimiter(1 / 0.6, System::nanoTime,
            n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));

    private final long intervalNanos;
    private final LongSupplier ticker;
    private final Sleeper sleeper;
    private final Map<String, long[]> next = new ConcurrentHashMap<>();

    /**
     * A limiter of its own (for tests; production code uses {@link #shared()}).
     *
     * @param permitsPerSecond calls per second per key
     * @param ticker           a monotonic clock in nanoseconds
     * @param sleeper          how to wait
     */
    public LookupRateLimiter(double permitsPerSecond, LongSupplier ticker, Sleeper sleeper) {
        if (!(permitsPerSecond > 0)) {
            throw new IllegalArgumentException("permitsPerSecond must be positive: " + permitsPerSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / permitsPerSecond);
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The process-wide limiter: one call per key every 600 ms (under 2 per second). */
    public static LookupRateLimiter shared() {
        return SHARED;
    }

    /** The key of an account and region. */
    public static String key(String accountId, String region) {
        return accountId + "/" + region;
    }

    /** The spacing between two calls of one key. */
    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /**
     * Waits until a call for {@code key} may go out, and takes that slot.
     *
     * @throws IllegalStateException if interrupted (the interrupt flag is set again)
     */
    public void acquire(String key) {
        long[] slot = next.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE});
        long wait;
        synchronized (slot) {
            long now = ticker.getAsLong();
            long at = slot[0] == Long.MIN_VALUE || slot[0] - now < 0 ? now : slot[0];
            slot[0] = at + intervalNanos;
            wait = at - now;
        }
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the LookupEvents rate limit", e);
            }
        }
    }
}
