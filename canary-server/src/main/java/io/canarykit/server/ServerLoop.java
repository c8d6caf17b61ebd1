package io.canarykit.server;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One of the server's scheduled loops: runs its task every interval, never two runs at once in one process, and,
 * when leased, only in the process holding the loop's lease ({@code loop:<name>}), so several copies of the server run
 * it once per interval between them. A failing run is logged and the next one runs.
 *
 * <p>Thread-safe.
 */
final class ServerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLoop.class);

    /** What a run did. */
    enum Outcome {
        /** It ran to the end. */
        RAN,
        /** It ran and threw. */
        FAILED,
        /** Another process holds the loop's lease. */
        NOT_LEASED,
        /** A run of this loop was still going. */
        BUSY
    }

    private final String name;
    private final Duration interval;
    private final boolean leased;
    private final Runnable task;
    private final LeaseKeeper leases;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private volatile @Nullable Instant lastRun;
    private volatile @Nullable String lastFailure;
    private volatile long runs;

    ServerLoop(String name, Duration interval, boolean leased, Runnable task, LeaseKeeper leases, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.leased = leased;
        this.task = Objects.requireNonNull(task, "task");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    String name() {
        return name;
    }

    Duration interval() {
        return interval;
    }

    /** The lease name, or {@code null} if the loop runs in every process. */
    @Nullable String leaseName() {
        return leased ? "loop:" + name : null;
    }

    /** Runs once now unless a run is going or another process holds the lease. */
    Outcome runOnce() {
        if (!running.tryLock()) {
            LOG.debug("loop {}: the previous run is still going; skipped", name);
            return Outcome.BUSY;
        }
        try {
            if (leased && !leases.hold(Objects.requireNonNull(leaseName(), "lease name"))) { // a leased loop has one
                LOG.debug("loop {}: another process holds its lease; skipped", name);
                return Outcome.NOT_LEASED;
            }
            lastRun = clock.instant();
            try {
                task.run();
                lastFailure = null;
                return Outcome.RAN;
            } catch (RuntimeException e) {
                lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warn("loop {} failed; it runs again in {}: {}", name, interval, lastFailure, e);
                return Outcome.FAILED;
            } finally {
                runs++;
            }
        } finally {
            running.unlock();
        }
    }

    /** True while a run is going. */
    boolean isRunning() {
        return running.isLocked();
    }

    /** When the last run started, or {@code null}. */
    @Nullable Instant lastRun() {
        return lastRun;
    }

    /** How the last run failed, or {@code null} if it did not. */
    @Nullable String lastFailure() {
        return lastFailure;
    }

    /** How many runs there were (not counting skipped ones). */
    long runs() {
        return runs;
    }
}
