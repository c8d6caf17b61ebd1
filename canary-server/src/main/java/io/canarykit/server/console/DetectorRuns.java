package io.canarykit.server.console;

import io.canarykit.detect.DetectionSummary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The detection passes this process ran over the last day, for the console's health page: whoever runs
 * {@code CanaryService.detect()} (the server's detection loop) hands each pass's {@link DetectionSummary} to
 * {@link #record}. Only this process's passes are known; nothing is persisted (a restarted server shows the passes since
 * it started). Bounded: passes older than a day are dropped, and at most {@value #MAX} are kept. Thread-safe.
 *
 * @since 0.1.0
 */
public final class DetectorRuns {
    /** The most passes kept. */
    public static final int MAX = 10_000;
    private static final Duration DAY = Duration.ofDays(1);

    private final Clock clock;
    private final Deque<DetectionSummary> runs = new ArrayDeque<>();

    private DetectorRuns(Clock clock) {
        this.clock = clock;
    }

    /** An empty record keeping the day before {@code clock}'s now. */
    public static DetectorRuns create(Clock clock) {
        return new DetectorRuns(Objects.requireNonNull(clock, "clock"));
    }

    /** Records one pass (ignored if {@code null}). */
    public synchronized void record(DetectionSummary summary) {
        if (summary == null) {
            return;
        }
        runs.addLast(summary);
        prune();
    }

    /** The passes of the last day, oldest first. */
    public synchronized List<DetectionSummary> lastDay() {
        prune();
        return new ArrayList<>(runs);
    }

    private void prune() {
        Instant from = clock.instant().minus(DAY);
        while (!runs.isEmpty() && (runs.peekFirst().finishedAt().isBefore(from) || runs.size() > MAX)) {
            runs.removeFirst();
        }
    }
}
