package io.canarykit.server;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.RunPhase;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.StaleVersionException;

import java.time.Instant;

/**
 * Records that a canary's run finished, by compare-and-set on the store (so a concurrent detection pass marking it
 * {@code TRIGGERED} is never overwritten): an {@code ACTIVE} canary becomes {@code COMPLETED}; a canary already used
 * ({@code TRIGGERED}) or rotated keeps its status; either way {@link RunPhase#ATTR_COMPLETED_AT} is set once and never
 * moved, so completing twice changes nothing.
 */
final class RunCompletion {
    private static final int ATTEMPTS = 10;

    /**
     * @param record      the record after completion
     * @param completedAt when the run reported its end (the first report)
     * @param changed     false if an earlier request had completed it already
     */
    record Result(CanaryRecord record, Instant completedAt, boolean changed) {
    }

    /** The canary cannot be completed: it is being issued, or it is closed. The message says which. */
    static final class NotCompletable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotCompletable(String message) {
            super(message, null, false, false);
        }
    }

    private RunCompletion() {
    }

    /**
     * Completes canary {@code id} at {@code now}.
     *
     * @throws CanaryNotFoundException if there is no such canary
     * @throws NotCompletable          if it is pending or closed (revoked, expired, failed)
     */
    static Result complete(CanaryStore store, CanaryId id, Instant now) {
        for (int attempt = 1; ; attempt++) {
            CanaryRecord r = store.find(id).orElseThrow(() -> new CanaryNotFoundException(id));
            if (RunPhase.completedAt(r).isPresent()) {
                return new Result(r, RunPhase.completedAt(r).get(), false);
            }
            if (r.status() == CanaryStatus.PENDING) {
                throw new NotCompletable("canary " + id + " is still being issued; complete it once its issuance "
                        + "has returned");
            }
            if (r.status().isTerminal()) {
                throw new NotCompletable("canary " + id + " is " + r.status() + " (closed "
                        + (r.closedAt() == null ? "" : "at " + r.closedAt() + " ") + "before the run completed): "
                        + "nothing to complete; a run that outlives its canary needs a longer lifetime");
            }
            CanaryRecord.Builder b = r.toBuilder().attribute(RunPhase.ATTR_COMPLETED_AT, now.toString());
            if (r.status() == CanaryStatus.ACTIVE) {
                b.status(CanaryStatus.COMPLETED);
            }
            try {
                return new Result(store.update(b.build()), now, true);
            } catch (StaleVersionException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
