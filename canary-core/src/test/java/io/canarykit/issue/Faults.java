package io.canarykit.issue;

import java.util.HashMap;
import java.util.Map;

/** Failures planned at the Nth call of a named step. */
final class Faults {
    enum Kind {
        /** Throw before the step has any effect. */
        FAIL_BEFORE,
        /** Apply the step, then throw (an ambiguous failure: the caller cannot tell it took effect). */
        FAIL_AFTER,
        /** Die before the step. */
        CRASH_BEFORE,
        /** Apply the step, then die. */
        CRASH_AFTER
    }

    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Map<Integer, Kind>> plan = new HashMap<>();

    /** Plans {@code kind} at the {@code nth} call of {@code step} from now (1 = the next call). */
    synchronized Faults at(String step, int nth, Kind kind) {
        plan.computeIfAbsent(step, s -> new HashMap<>()).put(counts.getOrDefault(step, 0) + nth, kind);
        return this;
    }

    synchronized void clear() {
        plan.clear();
    }

    /** Counts a call of {@code step} and returns the fault planned for it, or {@code null}. */
    synchronized Kind next(String step) {
        int n = counts.merge(step, 1, Integer::sum);
        Map<Integer, Kind> p = plan.get(step);
        return p == null ? null : p.remove(n);
    }

    synchronized int count(String step) {
        return counts.getOrDefault(step, 0);
    }

    /** Runs {@code action} as the step, applying a planned fault; {@code failure} builds the thrown exception. */
    <T> T run(String step, java.util.function.Supplier<T> action, java.util.function.Supplier<RuntimeException> failure) {
        Kind k = next(step);
        if (k == Kind.FAIL_BEFORE) {
            throw failure.get();
        }
        if (k == Kind.CRASH_BEFORE) {
            throw new SimulatedCrash("before " + step);
        }
        T out = action.get();
        if (k == Kind.FAIL_AFTER) {
            throw failure.get();
        }
        if (k == Kind.CRASH_AFTER) {
            throw new SimulatedCrash("after " + step);
        }
        return out;
    }
}
