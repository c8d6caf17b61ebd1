package io.canarykit;

import io.canarykit.LifecycleReport.Replacement;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.store.CanaryQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@link CanaryService#rotate()}: replaces canaries past the maximum age (and short-term ones close to expiry), new
 * first, and revokes rotated ones once their grace period has passed. Called under the service's pass lock.
 */
final class Rotation {
    private final CanaryService service;
    private final ServiceRecords records;
    private final Clock clock;
    private final @Nullable Duration maxAge;
    private final Duration renewBeforeExpiry;
    private final Duration gracePeriod;

    Rotation(CanaryService service, ServiceRecords records, Clock clock, @Nullable Duration maxAge, Duration renewBeforeExpiry,
             Duration gracePeriod) {
        this.service = service;
        this.records = records;
        this.clock = clock;
        this.maxAge = maxAge;
        this.renewBeforeExpiry = renewBeforeExpiry;
        this.gracePeriod = gracePeriod;
    }

    LifecycleReport.Rotate run() {
        Instant now = clock.instant();
        List<Replacement> replaced = new ArrayList<>();
        List<CanaryId> revoked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<CanaryRecord> liveNow = records.listAll(CanaryQuery.live());
        for (CanaryRecord r : records.listAll(CanaryQuery.withStatus(CanaryStatus.ACTIVE, CanaryStatus.TRIGGERED))) {
            if (!due(r, now) || AtomicIssuance.revocationRequested(r)) {
                continue;
            }
            CanaryId successor = ServiceRecords.successorOf(r, liveNow);
            if (successor != null) {
                // a successor exists already (a pass stopped before marking this one ROTATED): finish that instead
                try {
                    records.casUpdate(r.id(), c -> c.status().isTerminal() || c.status() == CanaryStatus.ROTATED ? null
                            : c.toBuilder().status(CanaryStatus.ROTATED).replacedBy(successor)
                            .attribute(CanaryService.ATTR_ROTATED_AT, now.toString()).build());
                    replaced.add(new Replacement(r.id(), successor));
                } catch (RuntimeException e) {
                    failures.add("marking canary " + r.id() + " as rotated failed: " + e.getMessage());
                }
                continue;
            }
            PlacementSpec spec = CanaryService.placementOf(r);
            if (spec == null || spec.returnsCredential()) {
                continue; // the caller planted it; only the caller can replace it
            }
            try {
                IssueOutcome fresh = service.issueSuccessor(r, spec);
                records.casUpdate(r.id(), c -> c.toBuilder().status(CanaryStatus.ROTATED)
                        .replacedBy(fresh.record().id()).attribute(CanaryService.ATTR_ROTATED_AT, now.toString())
                        .build());
                replaced.add(new Replacement(r.id(), fresh.record().id()));
            } catch (RuntimeException e) {
                failures.add("rotating canary " + r.id() + " failed: " + e.getMessage());
            }
        }
        for (CanaryRecord r : records.listAll(CanaryQuery.withStatus(CanaryStatus.ROTATED))) {
            String at = r.attributes().get(CanaryService.ATTR_ROTATED_AT);
            Instant rotatedAt = at == null ? r.windowStart() : Instant.parse(at);
            if (rotatedAt.plus(gracePeriod).isAfter(now)) {
                continue;
            }
            try {
                CanaryRecord closed = service.revoke(r.id());
                if (closed.status().isTerminal()) {
                    revoked.add(r.id());
                }
            } catch (RuntimeException e) {
                failures.add("revoking rotated canary " + r.id() + " failed: " + e.getMessage());
            }
        }
        return new LifecycleReport.Rotate(replaced, revoked, failures);
    }

    private boolean due(CanaryRecord r, Instant now) {
        if (maxAge != null && !r.createdAt().plus(maxAge).isAfter(now)) {
            return true;
        }
        return r.expiresAt() != null && !r.expiresAt().minus(renewBeforeExpiry).isAfter(now);
    }
}
