package io.canarykit;

import io.canarykit.store.CanaryQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CanaryService#expire()}: closes short-term canaries past their expiry as {@code EXPIRED}, removing
 * placements that still hold them. Called under the service's pass lock.
 */
final class Expiry {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryService.class);
    private final ServiceRecords records;
    private final Clock clock;

    Expiry(ServiceRecords records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    LifecycleReport.Expire run() {
        Instant now = clock.instant();
        List<CanaryId> expired = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<CanaryId> unfinishedRuns = new ArrayList<>();
        for (CanaryRecord r : records.listAll(CanaryQuery.live())) {
            if (r.expiresAt() == null || r.expiresAt().isAfter(now) || r.status() == CanaryStatus.PENDING) {
                continue;
            }
            try {
                if (r.replacedBy() == null) {
                    records.removePlacementIfStillOurs(r);
                }
                boolean unfinished = RunPhase.isRunCanary(r) && RunPhase.completedAt(r).isEmpty();
                records.casUpdate(r.id(), c -> c.status().isTerminal() ? null : c.toBuilder()
                        .status(CanaryStatus.EXPIRED).closedAt(c.expiresAt())
                        .attribute(CanaryService.ATTR_CLOSED_BECAUSE,
                                unfinished ? "expired-run-not-completed" : "expired").build());
                expired.add(r.id());
                if (unfinished) {
                    unfinishedRuns.add(r.id());
                    LOG.info("canary {} of run {} expired and the run never reported its end: the job was "
                            + "cancelled or timed out, or its completion step did not run", r.id(), r.asset().ref());
                }
            } catch (RuntimeException e) {
                failures.add("expiring canary " + r.id() + " failed: " + e.getMessage());
            }
        }
        return new LifecycleReport.Expire(expired, failures, unfinishedRuns);
    }
}
