package io.canarykit;

import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuedPrincipal;
import io.canarykit.issue.RecoveryReport;
import io.canarykit.placement.PlacementVerification;
import io.canarykit.store.CanaryQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link CanaryService#reconcile} and {@link CanaryService#recover()}: compares AWS, the placements and the store,
 * and with {@code fix} repairs what differs (finishing revocations, closing records whose principal is gone,
 * replacing canaries whose placement lost them, sweeping orphans). Called under the service's pass lock.
 */
final class Reconciliation {
    private final CanaryService service;
    private final ServiceRecords records;
    private final AtomicIssuance issuance;
    private final Clock clock;

    Reconciliation(CanaryService service, ServiceRecords records, AtomicIssuance issuance, Clock clock) {
        this.service = service;
        this.records = records;
        this.issuance = issuance;
        this.clock = clock;
    }

    /** One recovery pass: placements of canaries being revoked, then the coordinator's recovery, then the sweep. */
    RecoveryReport recover() {
        List<String> problems = new ArrayList<>();
        records.finishRevocationPlacements(problems);
        RecoveryReport placementsPass = new RecoveryReport(0, 0, 0, 0, 0, List.of(), problems);
        return merge(placementsPass, merge(issuance.recover(), issuance.sweep()));
    }

    LifecycleReport.Reconcile run(boolean fix) {
        Instant now = clock.instant();
        List<String> fixed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        RecoveryReport recovery = null;
        if (fix) {
            List<String> placementProblems = new ArrayList<>();
            int placementsRemoved = records.finishRevocationPlacements(placementProblems);
            if (placementsRemoved > 0) {
                fixed.add("removed " + placementsRemoved + " placement(s) of canaries being revoked");
            }
            failures.addAll(placementProblems);
            recovery = issuance.recover();
            RecoveryReport swept = issuance.sweep();
            recovery = merge(recovery, swept);
        }
        List<CanaryRecord> live = records.listAll(CanaryQuery.live());
        Map<String, CanaryRecord> liveByArn = new HashMap<>();
        for (CanaryRecord r : live) {
            liveByArn.put(r.principal().arn(), r);
        }
        List<IssuedPrincipal> orphans = new ArrayList<>();
        Set<String> seenArns = new HashSet<>();
        Set<String> listedKinds = new HashSet<>();
        for (CanaryIssuer issuer : issuance.pool().issuers()) {
            List<IssuedPrincipal> issued;
            try {
                issued = issuer.listIssued();
            } catch (RuntimeException e) {
                failures.add("listing what " + issuer.name() + " made in " + issuer.accountId() + " failed: "
                        + e.getMessage());
                continue;
            }
            if (issuer.kind().isLongTerm()) {
                listedKinds.add(issuer.kind() + "/" + issuer.accountId());
            }
            for (IssuedPrincipal p : issued) {
                seenArns.add(p.principal().arn());
                if (!liveByArn.containsKey(p.principal().arn())) {
                    orphans.add(p);
                }
            }
        }
        List<CanaryRecord> missingPrincipals = new ArrayList<>();
        List<CanaryRecord> missingPlacements = new ArrayList<>();
        Duration minimumAge = issuance.minimumAge();
        for (CanaryRecord r : live) {
            boolean listed = listedKinds.contains(r.kind() + "/" + r.accountId());
            boolean oldEnough = !r.createdAt().plus(minimumAge).isAfter(now);
            if (listed && oldEnough && r.status() != CanaryStatus.PENDING && !seenArns.contains(r.principal().arn())) {
                missingPrincipals.add(r);
                if (fix) {
                    try {
                        records.casUpdate(r.id(), c -> c.status().isTerminal() ? null : c.toBuilder()
                                .status(CanaryStatus.REVOKED).closedAt(now)
                                .attribute(CanaryService.ATTR_CLOSED_BECAUSE, "principal-missing").build());
                        fixed.add("closed canary " + r.id() + ": its principal " + r.principal().arn() + " is gone");
                    } catch (RuntimeException e) {
                        failures.add("closing canary " + r.id() + " failed: " + e.getMessage());
                    }
                }
                continue;
            }
            if (r.status() == CanaryStatus.ACTIVE && r.receipt() == null && oldEnough
                    && !PlacementSpec.RETURN.equals(r.attributes().get(CanaryService.ATTR_PLACEMENT))) {
                // issued but never planted: the process stopped between activation and placement
                missingPlacements.add(r);
                if (fix) {
                    try {
                        issuance.revoke(r.id());
                        fixed.add("revoked canary " + r.id() + ": it was issued but never planted");
                    } catch (RuntimeException e) {
                        failures.add("revoking unplanted canary " + r.id() + " failed: " + e.getMessage());
                    }
                }
                continue;
            }
            if ((r.status() == CanaryStatus.ACTIVE || r.status() == CanaryStatus.TRIGGERED) && r.receipt() != null) {
                try {
                    PlacementVerification v = records.placement(r.receipt().placement()).verify(r.receipt());
                    if (!v.present()) {
                        CanaryId successor = ServiceRecords.successorOf(r, live);
                        if (successor != null || AtomicIssuance.revocationRequested(r)) {
                            // replaced already, or being revoked: its placement is meant to be gone; never
                            // replace it again, finish its revocation instead
                            if (fix) {
                                finishRevocation(r, successor, fixed, failures);
                            }
                            continue;
                        }
                        missingPlacements.add(r);
                        if (fix) {
                            replaceLostPlacement(r, fixed, failures);
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add("verifying the placement of canary " + r.id() + " failed: " + e.getMessage());
                }
            }
        }
        if (fix) {
            // what the sweep could not remove (no record at all) stays reported: it was not made for a record we know
            List<IssuedPrincipal> still = new ArrayList<>();
            for (IssuedPrincipal p : orphans) {
                if (stillExists(p)) {
                    still.add(p);
                } else {
                    fixed.add("removed orphan " + p.principal().arn());
                }
            }
            orphans = still;
            missingPrincipals = List.of();
            missingPlacements = List.of();
        }
        return new LifecycleReport.Reconcile(orphans, missingPrincipals, missingPlacements, recovery, fixed, failures);
    }

    private boolean stillExists(IssuedPrincipal p) {
        for (CanaryIssuer issuer : issuance.pool().issuers()) {
            if (!issuer.accountId().equals(p.principal().accountId())) {
                continue;
            }
            for (IssuedPrincipal q : issuer.listIssued()) {
                if (q.principal().arn().equals(p.principal().arn())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void finishRevocation(CanaryRecord r, @Nullable CanaryId successor, List<String> fixed, List<String> failures) {
        try {
            if (successor != null) {
                records.casUpdate(r.id(), c -> c.status().isTerminal() || c.replacedBy() != null ? null
                        : c.toBuilder().replacedBy(successor).build());
            }
            CanaryRecord after = issuance.revoke(r.id());
            if (after.status().isTerminal()) {
                fixed.add("finished revoking canary " + r.id() + (successor == null ? "" : " (replaced by "
                        + successor + ")"));
            }
        } catch (RuntimeException e) {
            failures.add("revoking canary " + r.id() + (successor == null ? "" : " (already replaced by " + successor
                    + ", so not replaced again)") + " failed: " + e.getMessage());
        }
    }

    private void replaceLostPlacement(CanaryRecord r, List<String> fixed, List<String> failures) {
        PlacementSpec spec = CanaryService.placementOf(r);
        if (spec == null) {
            return;
        }
        try {
            CanaryRecord current = records.store().find(r.id()).orElse(null);
            if (current == null || !current.status().isLive() || current.replacedBy() != null
                    || AtomicIssuance.revocationRequested(current)) {
                return; // changed meanwhile (another process replaced or is revoking it)
            }
            IssueOutcome fresh = service.issueSuccessor(r, spec);
            records.casUpdate(r.id(), c -> c.toBuilder().replacedBy(fresh.record().id()).build());
            fixed.add("replaced canary " + r.id() + " (its placement lost it) with " + fresh.record().id());
            try {
                issuance.revoke(r.id());
            } catch (RuntimeException e) {
                failures.add("revoking canary " + r.id() + " after replacing it with " + fresh.record().id()
                        + " failed (the next pass finishes it and issues nothing more): " + e.getMessage());
            }
        } catch (RuntimeException e) {
            failures.add("replacing canary " + r.id() + " failed: " + e.getMessage());
        }
    }

    private static RecoveryReport merge(RecoveryReport a, RecoveryReport b) {
        List<String> unknown = new ArrayList<>(a.unknownPrincipals());
        unknown.addAll(b.unknownPrincipals());
        List<String> problems = new ArrayList<>(a.problems());
        problems.addAll(b.problems());
        return new RecoveryReport(a.examined() + b.examined(), a.abandonedIssuances() + b.abandonedIssuances(),
                a.completedRevocations() + b.completedRevocations(), a.residueRemoved() + b.residueRemoved(),
                a.tooYoung() + b.tooYoung(), unknown, problems);
    }
}
