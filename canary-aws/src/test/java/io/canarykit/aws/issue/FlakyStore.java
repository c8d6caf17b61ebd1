package io.canarykit.aws.issue;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.ForwardingCanaryStore;
import io.canarykit.store.InMemoryCanaryStore;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * An in-memory store whose Nth create, update or find fails (before or after taking effect) or "crashes" there.
 */
final class FlakyStore extends ForwardingCanaryStore {
    enum Fault { FAIL_BEFORE, FAIL_AFTER, CRASH_BEFORE, CRASH_AFTER }

    final InMemoryCanaryStore delegate;

    FlakyStore() {
        this(InMemoryCanaryStore.create());
    }

    private FlakyStore(InMemoryCanaryStore delegate) {
        super(delegate);
        this.delegate = delegate;
    }
    private String faultOp;
    private int faultAt;
    private Fault fault;
    private int creates;
    private int updates;
    private int finds;

    synchronized void failAt(String op, int nth, Fault f) {
        faultOp = op;
        fault = f;
        faultAt = count(op) + nth;
    }

    synchronized void clear() {
        faultOp = null;
    }

    private int count(String op) {
        return switch (op) {
            case "create" -> creates;
            case "update" -> updates;
            default -> finds;
        };
    }

    private <T> T run(String op, Supplier<T> action) {
        Fault f = null;
        synchronized (this) {
            int n = switch (op) {
                case "create" -> ++creates;
                case "update" -> ++updates;
                default -> ++finds;
            };
            if (op.equals(faultOp) && n == faultAt) {
                f = fault;
                faultOp = null;
            }
        }
        if (f == Fault.FAIL_BEFORE) {
            throw new CanaryStoreException("simulated " + op + " failure", true);
        }
        if (f == Fault.CRASH_BEFORE) {
            throw new SimulatedCrash("before store " + op);
        }
        T out = action.get();
        if (f == Fault.FAIL_AFTER) {
            throw new CanaryStoreException("simulated " + op + " failure after the write", true);
        }
        if (f == Fault.CRASH_AFTER) {
            throw new SimulatedCrash("after store " + op);
        }
        return out;
    }

    @Override
    public CanaryRecord create(CanaryRecord record) {
        return run("create", () -> delegate.create(record));
    }

    @Override
    public CanaryRecord update(CanaryRecord record) {
        return run("update", () -> delegate.update(record));
    }

    @Override
    public Optional<CanaryRecord> find(CanaryId id) {
        return run("find", () -> delegate.find(id));
    }

}
