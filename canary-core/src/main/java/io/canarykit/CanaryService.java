package io.canarykit;

import io.canarykit.LifecycleReport.Replacement;
import io.canarykit.internal.Durations;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.inventory.AssetSource;
import io.canarykit.inventory.InventoryEntry;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssueRequest;
import io.canarykit.issue.IssuedPrincipal;
import io.canarykit.issue.RecoveryReport;
import io.canarykit.naming.IdentityNamer;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllReport;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicyHardener;
import io.canarykit.policy.PolicySimulator;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs canaries with no manual step: issues and plants them, watches them, answers triggers, replaces them before
 * they go stale, closes expired ones, reconciles AWS with the store, and onboards assets from an inventory.
 *
 * <p><b>Issue</b>: name → harden → simulate (refuse unless the policies deny everything but
 * {@code sts:GetCallerIdentity}, even next to a resource policy that grants {@code *}) → fingerprint check (warn or
 * refuse, in {@link AtomicIssuance}) → issue (write-ahead intent, then AWS) → store → place → store the receipt. Any
 * failure undoes the earlier steps: no principal without a record, no record pointing at nothing, no secret left on
 * disk.
 *
 * <p>Build it by hand with {@link #builder()}, or from properties with {@link #fromConfig}. Thread-safe; the passes ({@link #detect()}, {@link #rotate()}, {@link #expire()}, {@link #reconcile},
 * {@link #onboard}) run one at a time.
 *
 * @since 0.1.0
 */
public final class CanaryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryService.class);

    /** Record attribute: the placement a canary was planted with (for re-issue to the same place). */
    public static final String ATTR_PLACEMENT = "canarykit.placement";
    /** Record attribute prefix: the placement's options. */
    public static final String ATTR_PLACEMENT_OPTION = "canarykit.placement.option.";
    /** Record attribute: when a canary was rotated (its grace period starts then). */
    public static final String ATTR_ROTATED_AT = "canarykit.rotated-at";
    /** Record attribute: the inventory that onboarded a canary; onboarding manages only those. */
    public static final String ATTR_INVENTORY = "canarykit.inventory";
    /**
     * Record attribute: who owns a canary (the issuance API's caller that asked for it); successors made by rotation
     * or re-issue keep it.
     */
    public static final String ATTR_OWNER = "canarykit.owner";
    /** Record attribute: why a record was closed by the service. */
    public static final String ATTR_CLOSED_BECAUSE = "canarykit.closed-because";

    private static final int CAS_ATTEMPTS = 10;

    private final CanaryStore store;
    private final AtomicIssuance issuance;
    private final IdentityNamer namer;
    private final PolicyHardener hardener;
    private final PolicySimulator simulator;
    private final Function<String, Placement> placements;
    private final DetectionEngine detection;
    private final Clock clock;
    private final CredentialKind defaultKind;
    private final Duration sessionDuration;
    private final Duration maxAge;
    private final Duration renewBeforeExpiry;
    private final Duration gracePeriod;
    private final ResponsePolicy responsePolicy;
    private final Map<String, String> tags;
    private final List<AutoCloseable> owned;
    private final Object passLock = new Object();

    private CanaryService(Builder b) {
        this.store = b.store;
        this.issuance = b.issuance;
        this.namer = b.namer;
        this.hardener = b.hardener;
        this.simulator = b.simulator == null ? PolicySimulator.create(b.clock) : b.simulator;
        this.placements = b.placementLookup();
        this.detection = b.detection;
        this.clock = b.clock;
        this.defaultKind = b.defaultKind;
        this.sessionDuration = b.sessionDuration;
        this.maxAge = b.maxAge;
        this.renewBeforeExpiry = b.renewBeforeExpiry;
        this.gracePeriod = b.gracePeriod;
        this.responsePolicy = b.responsePolicy;
        this.tags = Map.copyOf(b.tags);
        this.owned = List.copyOf(b.owned);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a service from properties, every component by its provider name (keys in the README and in
     * {@code CanaryServiceConfig}); providers are found with the thread's context class loader.
     *
     * @throws CanaryConfigurationException naming the key that is wrong or missing
     */
    public static CanaryService fromConfig(io.canarykit.config.CanaryConfig config) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return CanaryServiceConfig.build(config, cl != null ? cl : CanaryService.class.getClassLoader());
    }

    /** The store. */
    public CanaryStore store() {
        return store;
    }

    /** The issuance coordinator. */
    public AtomicIssuance issuance() {
        return issuance;
    }

    // ------------------------------------------------------------------------------------------------ issue

    /** Issues a canary of the default kind for {@code asset} and plants it as {@code placement} says. */
    public IssueOutcome issue(Asset asset, PlacementSpec placement) {
        return issue(asset, placement, defaultKind);
    }

    /**
     * Issues a canary of {@code kind} for {@code asset} and plants it.
     *
     * @throws CanaryConfigurationException if the placement is unknown or the policies would allow anything; nothing
     *         was written
     * @throws CanaryException if issuance or placement failed; everything done before was undone
     */
    public IssueOutcome issue(Asset asset, PlacementSpec placement, CredentialKind kind) {
        return issue(asset, placement, kind, null, Map.of());
    }

    /**
     * Issues a canary of {@code kind} for {@code asset}, plants it, and stores {@code attributes} with its record in
     * the same write as the placement's receipt (for example {@link #ATTR_OWNER}).
     *
     * @param attributes facts to keep with the record, never secrets; keys under {@code canarykit.placement} are the
     *                   service's own and are refused
     * @throws CanaryConfigurationException if the placement is unknown, an attribute key is reserved, or the policies
     *         would allow anything; nothing was written
     * @throws CanaryException if issuance or placement failed; everything done before was undone
     */
    public IssueOutcome issue(Asset asset, PlacementSpec placement, CredentialKind kind, Map<String, String> attributes) {
        return issue(asset, placement, kind, attributes, null);
    }

    /**
     * As {@link #issue(Asset, PlacementSpec, CredentialKind, Map)}, with the lifetime of a short-term canary (a CI
     * run's canary lives just past the job's timeout).
     *
     * @param lifetime how long a short-term credential stays valid, or {@code null} for the service's session
     *                 duration; ignored for long-term kinds; the issuer refuses what AWS would (for example an
     *                 assumed-role session under 15 minutes or over the role's maximum)
     */
    public IssueOutcome issue(Asset asset, PlacementSpec placement, CredentialKind kind, Map<String, String> attributes,
                              Duration lifetime) {
        for (String k : attributes.keySet()) {
            if (k.startsWith(ATTR_PLACEMENT)) {
                throw new CanaryConfigurationException("the record attribute " + k + " is the service's own");
            }
        }
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new CanaryConfigurationException("a canary's lifetime must be positive, not " + lifetime);
        }
        return issue(asset, placement, kind, null, attributes, lifetime);
    }

    /** Issues a successor of {@code old}: same asset, kind and placement, replacing its placement in place. */
    private IssueOutcome issueSuccessor(CanaryRecord old, PlacementSpec spec) {
        return issue(old.asset(), spec, old.kind(), old, inventoryOf(old), null);
    }

    private IssueOutcome issue(Asset asset, PlacementSpec spec, CredentialKind kind, CanaryRecord replaces,
                               Map<String, String> extraAttributes) {
        return issue(asset, spec, kind, replaces, extraAttributes, null);
    }

    private IssueOutcome issue(Asset asset, PlacementSpec spec, CredentialKind kind, CanaryRecord replaces,
                               Map<String, String> extraAttributes, Duration lifetime) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(spec, "placement");
        Objects.requireNonNull(kind, "kind");
        Placement placement = spec.returnsCredential() ? null : placements.apply(spec.placement());

        IssuanceResult result = issuance.issue(kind, asset,
                (issuer, attempt) -> request(issuer, asset, attempt, lifetime));
        CanaryRecord record = result.record();
        CanaryCredential credential = result.canary().credential();

        Map<String, String> attributes = new LinkedHashMap<>(extraAttributes);
        attributes.put(ATTR_PLACEMENT, spec.placement());
        spec.options().forEach((k, v) -> attributes.put(ATTR_PLACEMENT_OPTION + k, v));
        if (placement == null) {
            record = updateOrUndo(record, null, null, r -> withAttributes(r, attributes, replaces, null));
            return new IssueOutcome(record, result.fingerprint(), credential);
        }

        PlacementReceipt receipt;
        PlacementReceipt previous = replaces == null ? null : replaces.receipt();
        try {
            PlacementRequest request = new PlacementRequest(record.id(), asset, credential, spec.options());
            receipt = previous != null && previous.placement().equals(placement.name())
                    ? placement.replace(previous, request)
                    : placement.place(request);
        } catch (RuntimeException e) {
            String undone = revokeQuietly(record.id());
            throw new CanaryException("placing canary " + record.id() + " with " + spec.placement() + " failed: "
                    + e.getMessage() + "; " + undone, e);
        }
        record = updateOrUndo(record, placement, receipt, r -> withAttributes(r, attributes, replaces, receipt));
        LOG.debug("issued canary {} for {} placed with {} at {}", record.id(), asset.ref(), spec.placement(),
                receipt.location());
        return new IssueOutcome(record, result.fingerprint(), null);
    }

    private IssueRequest request(CanaryIssuer issuer, Asset asset, int attempt, Duration lifetime) {
        String name = namer.name(asset, issuer.nameRules(), attempt);
        CanaryPolicySet policies = hardener.harden(issuer.hardeningRequest(name));
        Duration duration = issuer.kind().isLongTerm() ? null : lifetime != null ? lifetime : sessionDuration;
        IssueRequest request = new IssueRequest(CanaryId.generate(clock), name, policies, asset, duration, tags);
        prove(policies, issuer.plannedPrincipal(request));
        return request;
    }

    /** Refuses policies that would allow anything but {@code sts:GetCallerIdentity}, even with a {@code *} grant. */
    private void prove(CanaryPolicySet set, Principal principal) {
        Policies.Builder p = Policies.builder().identityPolicy(set.inlinePolicyName(), set.inlinePolicy());
        if (set.boundaryPolicy() != null) {
            p.boundary("permissions-boundary", set.boundaryPolicy());
        }
        if (set.sessionPolicy() != null) {
            p.sessionPolicy("session-policy", set.sessionPolicy());
        }
        p.resourcePolicy("worst-case-resource-policy", grantEverythingTo(principal.arn()));
        DenyAllReport report = simulator.checkDeniesEverything(p.build(), principal.arn());
        if (!report.deniesEverything()) {
            throw new CanaryConfigurationException("refusing to issue " + principal.arn()
                    + ": its policies would allow more than sts:GetCallerIdentity. " + report.describe());
        }
    }

    private static String grantEverythingTo(String arn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"GrantsEverything\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"" + arn + "\"},\"Action\":\"*\",\"Resource\":\"*\"}]}";
    }

    private static CanaryRecord withAttributes(CanaryRecord r, Map<String, String> attributes, CanaryRecord replaces,
                                               PlacementReceipt receipt) {
        CanaryRecord.Builder b = r.toBuilder().receipt(receipt);
        attributes.forEach(b::attribute);
        if (replaces != null) {
            b.replaces(replaces.id());
        }
        return b.build();
    }

    /** Stores the placement's receipt; if that fails, removes the placement and revokes the canary. */
    private CanaryRecord updateOrUndo(CanaryRecord record, Placement placement, PlacementReceipt receipt,
                                      UnaryOperator<CanaryRecord> change) {
        try {
            return casUpdate(record.id(), change);
        } catch (RuntimeException e) {
            String removed = "";
            if (placement != null) {
                try {
                    placement.remove(receipt);
                    removed = "its placement was removed; ";
                } catch (RuntimeException re) {
                    e.addSuppressed(re);
                    removed = "removing its placement failed too (" + re.getMessage() + "); ";
                }
            }
            throw new CanaryException("storing canary " + record.id() + " failed: " + e.getMessage() + "; " + removed
                    + revokeQuietly(record.id()), e);
        }
    }

    private String revokeQuietly(CanaryId id) {
        try {
            CanaryRecord r = issuance.revoke(id);
            return r.status().isLive() ? "revoking it did not finish; a recovery pass will complete it"
                    : "the canary was revoked";
        } catch (RuntimeException e) {
            LOG.warn("could not revoke canary {} after a failure; a recovery pass will: {}", id, e.toString());
            return "revoking it failed (" + e.getMessage() + "); a recovery pass will complete it";
        }
    }

    // ------------------------------------------------------------------------------------------------ read

    /** The canary with this id. */
    public Optional<CanaryRecord> find(CanaryId id) {
        return store.find(id);
    }

    /** The canaries of an asset, oldest first. */
    public List<CanaryRecord> findByAsset(String kind, String id) {
        return store.findByAsset(kind, id);
    }

    /** A page of canaries. */
    public Page<CanaryRecord> list(CanaryQuery query) {
        return store.list(query);
    }

    /** Every canary matching {@code query} (all pages). */
    public List<CanaryRecord> listAll(CanaryQuery query) {
        List<CanaryRecord> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(query.after(cursor));
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ revoke

    /**
     * Revokes a canary in this order: the intent is recorded in the store (on disk when this returns from the store),
     * then the placement is removed (only if it still holds this canary's key), then the canary is removed from AWS and
     * its record closed. A crash at any point leaves the intent recorded: {@link #recover()} and
     * {@code reconcile(true)} remove the placement if it still holds the canary, then finish in AWS, and
     * reconciliation never replaces the placement of a canary being revoked.
     *
     * <p>If removing the placement fails, the canary is still revoked in AWS (a dead key on disk is harmless; a live
     * one in AWS is not), and the failure is reported afterwards.
     *
     * @return the closed record (or still live with a revocation recorded if AWS failed; recovery completes it)
     * @throws io.canarykit.store.CanaryNotFoundException if there is no such canary
     * @throws CanaryException if removing the placement failed (the canary is revoked in AWS all the same) or AWS
     *         failed (the intent stays recorded and recovery completes it)
     */
    public CanaryRecord revoke(CanaryId id) {
        CanaryRecord record = store.find(id).orElseThrow(() -> new io.canarykit.store.CanaryNotFoundException(id));
        if (record.status().isTerminal()) {
            return record;
        }
        record = issuance.requestRevocation(id);
        if (record.status().isTerminal()) {
            return record;
        }
        RuntimeException placementFailure = null;
        try {
            removePlacementIfStillOurs(record);
        } catch (RuntimeException e) {
            placementFailure = e;
        }
        CanaryRecord revoked;
        try {
            revoked = issuance.revoke(id);
        } catch (RuntimeException e) {
            if (placementFailure != null) {
                e.addSuppressed(placementFailure);
            }
            throw e;
        }
        if (placementFailure != null) {
            throw new CanaryException("canary " + id + " was revoked in AWS, but removing its placement failed: "
                    + placementFailure.getMessage() + "; remove it by hand (its key no longer works)", placementFailure);
        }
        return revoked;
    }

    /**
     * For every live canary whose revocation was recorded but may not have finished (a crash, a failure), removes its
     * placement if that still holds the canary: the step of a revocation that comes before AWS, which the issuance
     * coordinator's recovery cannot do. Failures are added to {@code problems}.
     */
    private int finishRevocationPlacements(List<String> problems) {
        int removed = 0;
        for (CanaryRecord r : listAll(CanaryQuery.live())) {
            if (!AtomicIssuance.revocationRequested(r) || r.receipt() == null) {
                continue;
            }
            try {
                if (removePlacementIfStillOurs(r)) {
                    removed++;
                }
            } catch (RuntimeException e) {
                problems.add("canary " + r.id() + ": removing the placement of a canary being revoked failed: "
                        + e.getMessage());
            }
        }
        return removed;
    }

    /**
     * Removes the placement unless it is gone or now holds another key (a replacement overwrote it); true if it was
     * removed.
     */
    private boolean removePlacementIfStillOurs(CanaryRecord record) {
        PlacementReceipt receipt = record.receipt();
        if (receipt == null) {
            return false;
        }
        Placement placement = placements.apply(receipt.placement());
        PlacementVerification v = placement.verify(receipt);
        if (v.present()) {
            placement.remove(receipt);
            return true;
        }
        LOG.debug("placement of canary {} no longer holds it ({}); leaving it", record.id(), v.detail());
        return false;
    }

    // ------------------------------------------------------------------------------------------------ detect

    /**
     * One detection pass: every detector, correlation, sightings, alerts; then the response policy for every canary
     * triggered in this pass.
     */
    public LifecycleReport.Detect detect() {
        if (detection == null) {
            throw new CanaryConfigurationException("no detection configured: give the builder a DetectionEngine");
        }
        synchronized (passLock) {
            DetectionSummary summary = detection.runOnce();
            List<CanaryId> revoked = new ArrayList<>();
            List<Replacement> replacements = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            if (responsePolicy != ResponsePolicy.ALERT) {
                for (CanaryId id : summary.triggered()) {
                    try {
                        respond(id, revoked, replacements);
                    } catch (RuntimeException e) {
                        failures.add("responding to canary " + id + " failed: " + e.getMessage());
                    }
                }
            }
            return new LifecycleReport.Detect(summary, revoked, replacements, failures);
        }
    }

    private void respond(CanaryId id, List<CanaryId> revoked, List<Replacement> replacements) {
        CanaryRecord record = store.find(id).orElseThrow();
        PlacementSpec spec = placementOf(record);
        if (responsePolicy == ResponsePolicy.REVOKE_AND_REISSUE && spec != null && !spec.returnsCredential()
                && successorOf(record, listAll(CanaryQuery.live())) == null
                && !AtomicIssuance.revocationRequested(record)) {
            IssueOutcome fresh = issueSuccessor(record, spec);
            replacements.add(new Replacement(id, fresh.record().id()));
            casUpdate(id, r -> r.toBuilder().replacedBy(fresh.record().id()).build());
        }
        revoke(id);
        revoked.add(id);
    }

    /**
     * Runs {@link #detect()} and {@link #expire()} every {@code interval} on {@code executor} until the returned
     * future is cancelled. A failing pass is logged and the next one runs.
     */
    public ScheduledFuture<?> runContinuously(ScheduledExecutorService executor, Duration interval) {
        Objects.requireNonNull(executor, "executor");
        if (interval.isZero() || interval.isNegative()) {
            throw new CanaryConfigurationException("the detection interval must be positive, was " + interval);
        }
        return executor.scheduleWithFixedDelay(() -> {
            try {
                LifecycleReport.Detect d = detect();
                expire();
                for (String f : d.detection().failures()) {
                    LOG.warn("detection: {}", f);
                }
                for (String f : d.failures()) {
                    LOG.warn("response: {}", f);
                }
            } catch (RuntimeException e) {
                LOG.warn("detection pass failed; the next one runs in {}", interval, e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------------------------------------ rotate

    /**
     * Replaces canaries past the maximum age (and short-term ones close to expiry): the new one is placed first,
     * the old one is marked {@code ROTATED} and revoked when its grace period has passed (by this or a later pass).
     */
    public LifecycleReport.Rotate rotate() {
        synchronized (passLock) {
            Instant now = clock.instant();
            List<Replacement> replaced = new ArrayList<>();
            List<CanaryId> revoked = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<CanaryRecord> liveNow = listAll(CanaryQuery.live());
            for (CanaryRecord r : listAll(CanaryQuery.withStatus(CanaryStatus.ACTIVE, CanaryStatus.TRIGGERED))) {
                if (!due(r, now) || AtomicIssuance.revocationRequested(r)) {
                    continue;
                }
                CanaryId successor = successorOf(r, liveNow);
                if (successor != null) {
                    // a successor exists already (a pass stopped before marking this one ROTATED): finish that instead
                    try {
                        casUpdate(r.id(), c -> c.status().isTerminal() || c.status() == CanaryStatus.ROTATED ? null
                                : c.toBuilder().status(CanaryStatus.ROTATED).replacedBy(successor)
                                .attribute(ATTR_ROTATED_AT, now.toString()).build());
                        replaced.add(new Replacement(r.id(), successor));
                    } catch (RuntimeException e) {
                        failures.add("marking canary " + r.id() + " as rotated failed: " + e.getMessage());
                    }
                    continue;
                }
                PlacementSpec spec = placementOf(r);
                if (spec == null || spec.returnsCredential()) {
                    continue; // the caller planted it; only the caller can replace it
                }
                try {
                    IssueOutcome fresh = issueSuccessor(r, spec);
                    casUpdate(r.id(), c -> c.toBuilder().status(CanaryStatus.ROTATED)
                            .replacedBy(fresh.record().id()).attribute(ATTR_ROTATED_AT, now.toString()).build());
                    replaced.add(new Replacement(r.id(), fresh.record().id()));
                } catch (RuntimeException e) {
                    failures.add("rotating canary " + r.id() + " failed: " + e.getMessage());
                }
            }
            for (CanaryRecord r : listAll(CanaryQuery.withStatus(CanaryStatus.ROTATED))) {
                String at = r.attributes().get(ATTR_ROTATED_AT);
                Instant rotatedAt = at == null ? r.windowStart() : Instant.parse(at);
                if (rotatedAt.plus(gracePeriod).isAfter(now)) {
                    continue;
                }
                try {
                    CanaryRecord closed = revoke(r.id());
                    if (closed.status().isTerminal()) {
                        revoked.add(r.id());
                    }
                } catch (RuntimeException e) {
                    failures.add("revoking rotated canary " + r.id() + " failed: " + e.getMessage());
                }
            }
            return new LifecycleReport.Rotate(replaced, revoked, failures);
        }
    }

    private boolean due(CanaryRecord r, Instant now) {
        if (maxAge != null && !r.createdAt().plus(maxAge).isAfter(now)) {
            return true;
        }
        return r.expiresAt() != null && !r.expiresAt().minus(renewBeforeExpiry).isAfter(now);
    }

    // ------------------------------------------------------------------------------------------------ expire

    /** Closes short-term canaries past their expiry as {@code EXPIRED}, removing placements still holding them. */
    public LifecycleReport.Expire expire() {
        synchronized (passLock) {
            Instant now = clock.instant();
            List<CanaryId> expired = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<CanaryId> unfinishedRuns = new ArrayList<>();
            for (CanaryRecord r : listAll(CanaryQuery.live())) {
                if (r.expiresAt() == null || r.expiresAt().isAfter(now) || r.status() == CanaryStatus.PENDING) {
                    continue;
                }
                try {
                    if (r.replacedBy() == null) {
                        removePlacementIfStillOurs(r);
                    }
                    boolean unfinished = RunPhase.isRunCanary(r) && RunPhase.completedAt(r).isEmpty();
                    casUpdate(r.id(), c -> c.status().isTerminal() ? null : c.toBuilder().status(CanaryStatus.EXPIRED)
                            .closedAt(c.expiresAt()).attribute(ATTR_CLOSED_BECAUSE,
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

    // ------------------------------------------------------------------------------------------------ reconcile

    /**
     * Compares AWS, the placements and the store. Reports principals the issuers made that no live record knows
     * (orphans), live records whose principal is gone, and live records whose placement no longer holds their key.
     * With {@code fix}: recovers pending intents, removes orphans whose records are all closed (the sweep), closes
     * records whose principal is gone, and replaces canaries whose placement lost them.
     */
    public LifecycleReport.Reconcile reconcile(boolean fix) {
        synchronized (passLock) {
            Instant now = clock.instant();
            List<String> fixed = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            RecoveryReport recovery = null;
            if (fix) {
                List<String> placementProblems = new ArrayList<>();
                int placementsRemoved = finishRevocationPlacements(placementProblems);
                if (placementsRemoved > 0) {
                    fixed.add("removed " + placementsRemoved + " placement(s) of canaries being revoked");
                }
                failures.addAll(placementProblems);
                recovery = issuance.recover();
                RecoveryReport swept = issuance.sweep();
                recovery = merge(recovery, swept);
            }
            List<CanaryRecord> live = listAll(CanaryQuery.live());
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
                            casUpdate(r.id(), c -> c.status().isTerminal() ? null : c.toBuilder()
                                    .status(CanaryStatus.REVOKED).closedAt(now)
                                    .attribute(ATTR_CLOSED_BECAUSE, "principal-missing").build());
                            fixed.add("closed canary " + r.id() + ": its principal " + r.principal().arn() + " is gone");
                        } catch (RuntimeException e) {
                            failures.add("closing canary " + r.id() + " failed: " + e.getMessage());
                        }
                    }
                    continue;
                }
                if (r.status() == CanaryStatus.ACTIVE && r.receipt() == null && oldEnough
                        && !PlacementSpec.RETURN.equals(r.attributes().get(ATTR_PLACEMENT))) {
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
                        PlacementVerification v = placements.apply(r.receipt().placement()).verify(r.receipt());
                        if (!v.present()) {
                            CanaryId successor = successorOf(r, live);
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
                                replaceLostPlacement(r, now, fixed, failures);
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

    /**
     * The successor of {@code r}: its {@code replacedBy}, or a live record that {@code replaces} it (a pass that
     * stopped after issuing the successor but before linking it); {@code null} if none.
     */
    private static CanaryId successorOf(CanaryRecord r, List<CanaryRecord> live) {
        if (r.replacedBy() != null) {
            return r.replacedBy();
        }
        for (CanaryRecord other : live) {
            if (r.id().equals(other.replaces())) {
                return other.id();
            }
        }
        return null;
    }

    private void finishRevocation(CanaryRecord r, CanaryId successor, List<String> fixed, List<String> failures) {
        try {
            if (successor != null) {
                casUpdate(r.id(), c -> c.status().isTerminal() || c.replacedBy() != null ? null
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

    private void replaceLostPlacement(CanaryRecord r, Instant now, List<String> fixed, List<String> failures) {
        PlacementSpec spec = placementOf(r);
        if (spec == null) {
            return;
        }
        try {
            CanaryRecord current = store.find(r.id()).orElse(null);
            if (current == null || !current.status().isLive() || current.replacedBy() != null
                    || AtomicIssuance.revocationRequested(current)) {
                return; // changed meanwhile (another process replaced or is revoking it)
            }
            IssueOutcome fresh = issueSuccessor(r, spec);
            casUpdate(r.id(), c -> c.toBuilder().replacedBy(fresh.record().id()).build());
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

    /**
     * One recovery pass: the placements of canaries being revoked are removed if they still hold them (the step before
     * AWS), then the issuance coordinator's recovery finishes pending intents and revocations in AWS, then the sweep
     * (also part of {@code reconcile(true)}).
     */
    public RecoveryReport recover() {
        synchronized (passLock) {
            List<String> problems = new ArrayList<>();
            finishRevocationPlacements(problems);
            RecoveryReport placementsPass = new RecoveryReport(0, 0, 0, 0, 0, List.of(), problems);
            return merge(placementsPass, merge(issuance.recover(), issuance.sweep()));
        }
    }

    // ------------------------------------------------------------------------------------------------ onboard

    /**
     * Reads the inventory: every asset without a live canary gets one (its own placement, or {@code defaultPlacement}
     * merged with its options); every canary this inventory onboarded whose asset is no longer listed is revoked.
     * Only canaries onboarded by an inventory named {@code inventoryName} are ever revoked here.
     *
     * @throws CanaryConfigurationException if the inventory cannot be read; nothing is changed then
     */
    public LifecycleReport.Onboard onboard(AssetSource source, PlacementSpec defaultPlacement, String inventoryName) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(defaultPlacement, "defaultPlacement");
        Objects.requireNonNull(inventoryName, "inventoryName");
        List<InventoryEntry> entries = source.assets(); // read fully before changing anything
        synchronized (passLock) {
            List<CanaryRecord> issued = new ArrayList<>();
            List<CanaryRecord> revoked = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            int unchanged = 0;
            Set<String> listed = new HashSet<>();
            for (InventoryEntry e : entries) {
                listed.add(e.asset().ref());
                boolean hasLive = store.findByAsset(e.asset().kind(), e.asset().id()).stream()
                        .anyMatch(r -> r.status().isLive() && r.status() != CanaryStatus.ROTATED);
                if (hasLive) {
                    unchanged++;
                    continue;
                }
                PlacementSpec spec = e.placement() == null ? defaultPlacement.withOptions(e.placementOptions())
                        : PlacementSpec.of(e.placement(), e.placementOptions());
                try {
                    issued.add(issue(e.asset(), spec, defaultKind, null, Map.of(ATTR_INVENTORY, inventoryName)).record());
                } catch (RuntimeException ex) {
                    failures.add("issuing a canary for " + e.asset().ref() + " failed: " + ex.getMessage());
                }
            }
            for (CanaryRecord r : listAll(CanaryQuery.live())) {
                if (!inventoryName.equals(r.attributes().get(ATTR_INVENTORY)) || listed.contains(r.asset().ref())
                        || r.status() == CanaryStatus.PENDING) {
                    continue;
                }
                try {
                    revoked.add(revoke(r.id()));
                } catch (RuntimeException ex) {
                    failures.add("revoking canary " + r.id() + " of removed asset " + r.asset().ref() + " failed: "
                            + ex.getMessage());
                }
            }
            return new LifecycleReport.Onboard(issued, revoked, unchanged, failures);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The placement a record was planted with, or {@code null} if unknown. */
    public static PlacementSpec placementOf(CanaryRecord r) {
        String name = r.attributes().get(ATTR_PLACEMENT);
        if (name == null) {
            return r.receipt() == null ? null : PlacementSpec.of(r.receipt().placement());
        }
        Map<String, String> options = new LinkedHashMap<>();
        r.attributes().forEach((k, v) -> {
            if (k.startsWith(ATTR_PLACEMENT_OPTION)) {
                options.put(k.substring(ATTR_PLACEMENT_OPTION.length()), v);
            }
        });
        return PlacementSpec.of(name, options);
    }

    /** The attributes a successor keeps: the inventory that manages it and its owner. */
    private static Map<String, String> inventoryOf(CanaryRecord r) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String k : List.of(ATTR_INVENTORY, ATTR_OWNER)) {
            String v = r.attributes().get(k);
            if (v != null) {
                kept.put(k, v);
            }
        }
        return kept;
    }

    /**
     * Compare-and-set with re-read on conflict; {@code change} returns {@code null} to leave the record alone.
     */
    private CanaryRecord casUpdate(CanaryId id, UnaryOperator<CanaryRecord> change) {
        for (int attempt = 0; ; attempt++) {
            CanaryRecord current = store.find(id).orElseThrow(() -> new io.canarykit.store.CanaryNotFoundException(id));
            CanaryRecord changed = change.apply(current);
            if (changed == null) {
                return current;
            }
            try {
                return store.update(changed);
            } catch (StaleVersionException e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Closes the components the service created itself (not those given to the builder). */
    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "CanaryService[store=" + store + ", kind=" + defaultKind.configName() + ", response="
                + responsePolicy + "]";
    }

    /**
     * Builder for {@link CanaryService}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private CanaryStore store;
        private AtomicIssuance issuance;
        private IdentityNamer namer;
        private PolicyHardener hardener;
        private PolicySimulator simulator;
        private final Map<String, Placement> placementMap = new LinkedHashMap<>();
        private Function<String, Placement> placementResolver;
        private DetectionEngine detection;
        private Clock clock = Clock.systemUTC();
        private CredentialKind defaultKind = CredentialKind.IAM_USER;
        private Duration sessionDuration = Duration.ofHours(12);
        private Duration maxAge = Duration.ofDays(90);
        private Duration renewBeforeExpiry = Duration.ofMinutes(30);
        private Duration gracePeriod = Duration.ofHours(1);
        private ResponsePolicy responsePolicy = ResponsePolicy.REVOKE_AND_REISSUE;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final List<AutoCloseable> owned = new ArrayList<>();

        Builder() {
        }

        /** The store (required); must be the one the issuance coordinator and detection use. */
        public Builder store(CanaryStore v) { store = Objects.requireNonNull(v, "store"); return this; }

        /** The issuance coordinator (required). */
        public Builder issuance(AtomicIssuance v) { issuance = Objects.requireNonNull(v, "issuance"); return this; }

        /** The namer (required). */
        public Builder namer(IdentityNamer v) { namer = Objects.requireNonNull(v, "namer"); return this; }

        /** The policy hardener (required). */
        public Builder hardener(PolicyHardener v) { hardener = Objects.requireNonNull(v, "hardener"); return this; }

        /** The simulator that proves each policy set denies everything (default: {@link PolicySimulator#create}). */
        public Builder simulator(PolicySimulator v) { simulator = Objects.requireNonNull(v, "simulator"); return this; }

        /** A placement, by its {@link Placement#name()}; beats {@link #placements(Function)} for that name. */
        public Builder placement(Placement v) { placementMap.put(v.name(), v); return this; }

        /**
         * Where placements not given with {@link #placement} come from (for example a provider registry); the
         * function throws {@link CanaryConfigurationException} for an unknown name.
         */
        public Builder placements(Function<String, Placement> v) { placementResolver = Objects.requireNonNull(v); return this; }

        /** Detection (needed for {@link #detect()}). */
        public Builder detection(DetectionEngine v) { detection = Objects.requireNonNull(v, "detection"); return this; }

        /** The clock (default: UTC system clock). */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }

        /** The credential kind {@link #issue(Asset, PlacementSpec)} issues (default {@code IAM_USER}). */
        public Builder defaultKind(CredentialKind v) { defaultKind = Objects.requireNonNull(v); return this; }

        /** Lifetime of short-term canaries (default 12 h; AWS caps it per kind). */
        public Builder sessionDuration(Duration v) { sessionDuration = positive(v, "sessionDuration"); return this; }

        /** Age after which a canary is replaced by {@link #rotate()} (default 90 days; {@code null}: never). */
        public Builder maxAge(Duration v) { maxAge = v == null ? null : positive(v, "maxAge"); return this; }

        /** How long before expiry short-term canaries are replaced (default 30 minutes). */
        public Builder renewBeforeExpiry(Duration v) { renewBeforeExpiry = nonNegative(v, "renewBeforeExpiry"); return this; }

        /** How long a rotated canary stays valid after its successor is placed (default 1 hour). */
        public Builder gracePeriod(Duration v) { gracePeriod = nonNegative(v, "gracePeriod"); return this; }

        /** What to do to a triggered canary besides alerting (default {@code REVOKE_AND_REISSUE}). */
        public Builder responsePolicy(ResponsePolicy v) { responsePolicy = Objects.requireNonNull(v); return this; }

        /** Tags put on every principal (never tell-tale ones; the fingerprint gate checks). */
        public Builder tags(Map<String, String> v) { tags.clear(); tags.putAll(v); return this; }

        /** A resource the service should close with itself (clients, stores it created). */
        public Builder closeWithService(AutoCloseable v) { owned.add(Objects.requireNonNull(v)); return this; }

        private static Duration positive(Duration d, String name) {
            return Durations.positive(d, name);
        }

        private static Duration nonNegative(Duration d, String name) {
            return Durations.nonNegative(d, name);
        }

        private Function<String, Placement> placementLookup() {
            Map<String, Placement> fixed = Map.copyOf(placementMap);
            Function<String, Placement> fallback = placementResolver;
            return name -> {
                Placement p = fixed.get(name);
                if (p != null) {
                    return p;
                }
                if (fallback != null) {
                    return fallback.apply(name);
                }
                throw new CanaryConfigurationException("no placement named '" + name + "'. Available: "
                        + (fixed.isEmpty() ? "none" : String.join(", ", fixed.keySet())) + ", or "
                        + PlacementSpec.RETURN + " to hand the credential back");
            };
        }

        /**
         * Builds the service.
         *
         * @throws CanaryConfigurationException naming every missing component
         */
        public CanaryService build() {
            List<String> missing = new ArrayList<>();
            if (store == null) {
                missing.add("store");
            }
            if (issuance == null) {
                missing.add("issuance");
            }
            if (namer == null) {
                missing.add("namer");
            }
            if (hardener == null) {
                missing.add("hardener");
            }
            if (!missing.isEmpty()) {
                throw new CanaryConfigurationException("CanaryService is missing " + String.join(", ", missing));
            }
            return new CanaryService(this);
        }
    }
}
