package io.canarykit;

import io.canarykit.LifecycleReport.Replacement;
import io.canarykit.config.CanaryConfig;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.internal.Durations;
import io.canarykit.inventory.AssetSource;
import io.canarykit.inventory.InventoryEntry;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssueRequest;
import io.canarykit.issue.RecoveryReport;
import io.canarykit.metrics.IssueFailure;
import io.canarykit.metrics.MetricsListener;
import io.canarykit.naming.IdentityNamer;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllReport;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicyHardener;
import io.canarykit.policy.PolicySimulator;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

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
 * <p>Build it by hand with {@link #builder()}, or from properties with {@link #fromConfig}. Thread-safe; the passes
 * ({@link #detect()}, {@link #rotate()}, {@link #expire()}, {@link #reconcile}, {@link #onboard}) run one at a time.
 * Issue, revoke and detect are done here; rotation, expiry, reconciliation and onboarding are done by package-private
 * collaborators that call back into {@code issue} and {@code revoke}.
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

    private final CanaryStore store;
    private final AtomicIssuance issuance;
    private final IdentityNamer namer;
    private final PolicyHardener hardener;
    private final PolicySimulator simulator;
    private final @Nullable DetectionEngine detection;
    private final Clock clock;
    private final CredentialKind defaultKind;
    private final Duration sessionDuration;
    private final ResponsePolicy responsePolicy;
    private final Map<String, String> tags;
    private final List<AutoCloseable> owned;
    private final MetricsListener metrics;
    private final Object passLock = new Object();
    private final ServiceRecords records;
    private final Rotation rotation;
    private final Expiry expiry;
    private final Reconciliation reconciliation;
    private final Onboarding onboarding;

    private CanaryService(Builder b) {
        // build() has refused a builder without these four
        this.store = Objects.requireNonNull(b.store, "store");
        this.issuance = Objects.requireNonNull(b.issuance, "issuance");
        this.namer = Objects.requireNonNull(b.namer, "namer");
        this.hardener = Objects.requireNonNull(b.hardener, "hardener");
        this.simulator = b.simulator == null ? PolicySimulator.create(b.clock) : b.simulator;
        this.detection = b.detection;
        this.clock = b.clock;
        this.defaultKind = b.defaultKind;
        this.sessionDuration = b.sessionDuration;
        this.responsePolicy = b.responsePolicy;
        this.tags = Map.copyOf(b.tags);
        this.owned = List.copyOf(b.owned);
        this.metrics = b.metrics;
        this.records = new ServiceRecords(store, b.placementLookup());
        this.rotation = new Rotation(this, records, b.clock, b.maxAge, b.renewBeforeExpiry, b.gracePeriod);
        this.expiry = new Expiry(records, b.clock);
        this.reconciliation = new Reconciliation(this, records, issuance, b.clock);
        this.onboarding = new Onboarding(this, records, b.defaultKind);
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
    public static CanaryService fromConfig(CanaryConfig config) {
        return fromConfig(config, MetricsListener.NONE, io.canarykit.detect.PartitionGate.OPEN);
    }

    /**
     * As {@link #fromConfig(CanaryConfig)}, reporting to {@code metrics} (issuance, detection and
     * alert delivery) and reading only the detectors and partitions {@code partitions} lets through (what a server
     * sharing its store with other copies needs).
     *
     * @throws CanaryConfigurationException naming the key that is wrong or missing
     */
    public static CanaryService fromConfig(CanaryConfig config, MetricsListener metrics,
                                           io.canarykit.detect.PartitionGate partitions) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(partitions, "partitions");
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return CanaryServiceConfig.build(config, cl != null ? cl : CanaryService.class.getClassLoader(), metrics,
                partitions);
    }

    /** The store. */
    public CanaryStore store() {
        return store;
    }

    /** The issuance coordinator. */
    public AtomicIssuance issuance() {
        return issuance;
    }

    /** The detection engine, if detection was configured. */
    public Optional<DetectionEngine> detection() {
        return Optional.ofNullable(detection);
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
        return issue(asset, placement, kind, null, Map.of(), null);
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
                              @Nullable Duration lifetime) {
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
    IssueOutcome issueSuccessor(CanaryRecord old, PlacementSpec spec) {
        return issue(old.asset(), spec, old.kind(), old, inventoryOf(old), null);
    }

    /**
     * Issues a canary and plants it; {@code replaces} (or {@code null}) is the canary it succeeds, whose placement is
     * replaced in place, {@code extraAttributes} go on the record, and {@code lifetime} (or {@code null}: the
     * session duration) is a short-term canary's lifetime.
     */
    IssueOutcome issue(Asset asset, PlacementSpec spec, CredentialKind kind, @Nullable CanaryRecord replaces,
                       Map<String, String> extraAttributes, @Nullable Duration lifetime) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(spec, "placement");
        Objects.requireNonNull(kind, "kind");
        long started = System.nanoTime();
        boolean[] placing = {false};
        try {
            IssueOutcome outcome = issueAndPlace(asset, spec, kind, replaces, extraAttributes, lifetime, placing);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            record(() -> metrics.issued(kind, outcome.record().accountId(), took));
            return outcome;
        } catch (RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            record(() -> metrics.issueFailed(kind, IssueFailure.of(e, placing[0]), took));
            throw e;
        }
    }

    private void record(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.debug("the metrics listener failed: {}", e.toString());
        }
    }

    private IssueOutcome issueAndPlace(Asset asset, PlacementSpec spec, CredentialKind kind,
                                       @Nullable CanaryRecord replaces, Map<String, String> extraAttributes,
                                       @Nullable Duration lifetime, boolean[] placing) {
        Placement placement = spec.returnsCredential() ? null : records.placement(spec.placement());

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
        placing[0] = true;
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
        placing[0] = false;
        record = updateOrUndo(record, placement, receipt, r -> withAttributes(r, attributes, replaces, receipt));
        LOG.debug("issued canary {} for {} placed with {} at {}", record.id(), asset.ref(), spec.placement(),
                receipt.location());
        return new IssueOutcome(record, result.fingerprint(), null);
    }

    private IssueRequest request(CanaryIssuer issuer, Asset asset, int attempt, @Nullable Duration lifetime) {
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

    private static CanaryRecord withAttributes(CanaryRecord r, Map<String, String> attributes,
                                               @Nullable CanaryRecord replaces, @Nullable PlacementReceipt receipt) {
        CanaryRecord.Builder b = r.toBuilder().receipt(receipt);
        attributes.forEach(b::attribute);
        if (replaces != null) {
            b.replaces(replaces.id());
        }
        return b.build();
    }

    /** Stores the placement's receipt; if that fails, removes the placement and revokes the canary. */
    private CanaryRecord updateOrUndo(CanaryRecord record, @Nullable Placement placement, @Nullable PlacementReceipt receipt,
                                      UnaryOperator<CanaryRecord> change) {
        try {
            return casUpdate(record.id(), change);
        } catch (RuntimeException e) {
            String removed = "";
            if (placement != null && receipt != null) {
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
        return records.listAll(query);
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
     * @throws CanaryNotFoundException if there is no such canary
     * @throws CanaryException if removing the placement failed (the canary is revoked in AWS all the same) or AWS
     *         failed (the intent stays recorded and recovery completes it)
     */
    public CanaryRecord revoke(CanaryId id) {
        CanaryRecord record = records.require(id);
        if (record.status().isTerminal()) {
            return record;
        }
        record = issuance.requestRevocation(id);
        if (record.status().isTerminal()) {
            return record;
        }
        RuntimeException placementFailure = null;
        try {
            records.removePlacementIfStillOurs(record);
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
                && ServiceRecords.successorOf(record, listAll(CanaryQuery.live())) == null
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
            return rotation.run();
        }
    }

    /**
     * Replaces one canary now, as {@link #rotate()} replaces those past their age: the successor is placed first (in
     * the same placement, same asset and kind), then this one is marked {@code ROTATED} and is revoked by a later
     * {@link #rotate()} once its grace period has passed.
     *
     * @return the successor's record
     * @throws io.canarykit.store.CanaryNotFoundException if there is no such canary
     * @throws CanaryConfigurationException if the canary is not active or triggered, is being revoked, or its
     *         credential was returned to its caller (only the caller can replace it); nothing was changed
     * @throws CanaryException if issuing or placing the successor failed; what it created was undone
     */
    public CanaryRecord rotate(CanaryId id) {
        synchronized (passLock) {
            CanaryRecord r = store.find(id).orElseThrow(() -> new io.canarykit.store.CanaryNotFoundException(id));
            if ((r.status() != CanaryStatus.ACTIVE && r.status() != CanaryStatus.TRIGGERED)
                    || AtomicIssuance.revocationRequested(r)) {
                throw new CanaryConfigurationException("canary " + id + " is " + r.status()
                        + (AtomicIssuance.revocationRequested(r) ? " and being revoked" : "")
                        + ": only an active or triggered canary can be rotated");
            }
            PlacementSpec spec = placementOf(r);
            if (spec == null || spec.returnsCredential()) {
                throw new CanaryConfigurationException("canary " + id + " was returned to its caller, which planted it:"
                        + " only that caller can replace it (revoke it and issue a new one)");
            }
            IssueOutcome fresh = issueSuccessor(r, spec);
            Instant now = clock.instant();
            casUpdate(r.id(), c -> c.toBuilder().status(CanaryStatus.ROTATED).replacedBy(fresh.record().id())
                    .attribute(ATTR_ROTATED_AT, now.toString()).build());
            return fresh.record();
        }
    }

    // ------------------------------------------------------------------------------------------------ expire

    /** Closes short-term canaries past their expiry as {@code EXPIRED}, removing placements still holding them. */
    public LifecycleReport.Expire expire() {
        synchronized (passLock) {
            return expiry.run();
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
            return reconciliation.run(fix);
        }
    }

    /**
     * One recovery pass: the placements of canaries being revoked are removed if they still hold them (the step before
     * AWS), then the issuance coordinator's recovery finishes pending intents and revocations in AWS, then the sweep
     * (also part of {@code reconcile(true)}).
     */
    public RecoveryReport recover() {
        synchronized (passLock) {
            return reconciliation.recover();
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
            return onboarding.run(entries, defaultPlacement, inventoryName);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The placement a record was planted with, or {@code null} if unknown. */
    public static @Nullable PlacementSpec placementOf(CanaryRecord r) {
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

    private CanaryRecord casUpdate(CanaryId id, UnaryOperator<CanaryRecord> change) {
        return records.casUpdate(id, change);
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
        private @Nullable CanaryStore store;
        private @Nullable AtomicIssuance issuance;
        private @Nullable IdentityNamer namer;
        private @Nullable PolicyHardener hardener;
        private @Nullable PolicySimulator simulator;
        private final Map<String, Placement> placementMap = new LinkedHashMap<>();
        private @Nullable Function<String, Placement> placementResolver;
        private @Nullable DetectionEngine detection;
        private Clock clock = Clock.systemUTC();
        private CredentialKind defaultKind = CredentialKind.IAM_USER;
        private Duration sessionDuration = Duration.ofHours(12);
        private @Nullable Duration maxAge = Duration.ofDays(90);
        private Duration renewBeforeExpiry = Duration.ofMinutes(30);
        private Duration gracePeriod = Duration.ofHours(1);
        private ResponsePolicy responsePolicy = ResponsePolicy.REVOKE_AND_REISSUE;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final List<AutoCloseable> owned = new ArrayList<>();
        private MetricsListener metrics = MetricsListener.NONE;

        Builder() {
        }

        /** Where issuances and their failures are reported (default none). */
        public Builder metrics(MetricsListener v) { metrics = Objects.requireNonNull(v, "metrics"); return this; }

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
        public Builder maxAge(@Nullable Duration v) { maxAge = v == null ? null : positive(v, "maxAge"); return this; }

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
