package io.canarykit.detect;

import io.canarykit.Alert;
import io.canarykit.internal.Durations;
import io.canarykit.AlertType;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.DetectionWindow;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.Classification;
import io.canarykit.alert.AlertRoute;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.SightingClassifier;
import io.canarykit.alert.SuppressionDigest;
import io.canarykit.alert.SuppressionRule;
import io.canarykit.cloudtrail.UserIdentity;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.metrics.MetricsListener;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.Claim;
import io.canarykit.store.Claims;
import io.canarykit.store.StaleVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Runs detection: every detector's new sightings are correlated with the canaries in the store, stored once, move
 * their canary to {@link CanaryStatus#TRIGGERED}, and raise alerts.
 *
 * <h2>Correlation</h2>
 * A sighting a detector already matched (its {@code canaryId} is set) is checked against the stored record: the
 * canary must exist and its credential must have been valid at the sighting's time. Any other sighting is matched
 * through the store: by access key id, among the canaries whose credential was valid at that time (short-term key
 * ids are not unique), else by principal ARN (looked up by principal name). Sightings that match nothing are counted
 * and dropped. A use recorded with the canary as its issuer's own call ({@link CanaryRecord#selfUses()}: same call and
 * request id, or, without a request id, same call, user agent and time within a tolerance, each use explaining one
 * event) is stored as {@link SightingKind#SELF_USE} and never alerts; anything else is a real trigger.
 *
 * <h2>Storage</h2>
 * Sightings are stored idempotently by {@code (source, sourceEventId)}; the same CloudTrail event read through a second
 * channel (S3 and LookupEvents and EventBridge) is stored once, under the first.
 *
 * <h2>Alerts</h2>
 * The first real sighting of a canary alerts at once ({@link AlertType#INITIAL}). Later ones are aggregated: when the
 * follow-up window has passed since the canary's last alert, one {@link AlertType#FOLLOW_UP} lists every sighting not
 * alerted yet. Nothing is dropped: burning the window only delays the follow-up, which then lists everything.
 *
 * <h2>Restarts and several engines</h2>
 * Alerts are derived from stored state, never from what a pass happens to hold in memory, and every decision about
 * an alert is taken by compare-and-set in the store ({@link io.canarykit.store.CanaryStore#putEntryIfAbsent
 * conditional entries}), so any number of engines (threads, {@code canary detect} processes, server copies) may share
 * one store:
 * <ul>
 *   <li>a pass lists the canary under its own token before it stores a sighting of it, and only a pass that has
 *       alerted on everything it read takes tokens off (its own, expired ones, waiting ones): a crash between storing
 *       and alerting leaves the canary listed for the next pass of any engine;</li>
 *   <li>alert number {@code n} of a canary is claimed ({@link io.canarykit.store.Claims}) before it is delivered; the
 *       claim fixes the sightings it covers, so there is one initial alert per canary and every alert is delivered
 *       by one engine, once, to each sink (which sinks took it is recorded, so a retry skips them);</li>
 *   <li>an engine that dies holding a claim leaves it to expire ({@link Builder#alertClaimTimeout}); the next engine
 *       takes it over and sends the same alert (same sightings, same {@link io.canarykit.alert.AlertJson#alertId
 *       alert id}). Only a crash after a sink took the alert and before that was recorded repeats it, with that id,
 *       which sinks pass on as the idempotency key.</li>
 * </ul>
 * Detectors still need their own partitioning when several engines read the same source (leases, see
 * {@link io.canarykit.store.Leases}); sightings are idempotent either way.
 *
 * <p>{@link #runOnce()} is thread-safe (passes of one engine are serialised); detectors may hand over sightings from
 * several threads.
 *
 * @since 0.1.0
 */
public final class DetectionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEngine.class);
    private static final int CAS_ATTEMPTS = 16;
    /** How long a pass's listing of a canary holds if the pass dies before it alerts. */
    static final Duration PASS_TOKEN_TTL = Duration.ofHours(1);
    /** Most alerts one canary gets in one pass (the rest go next pass). */
    private static final int MAX_ALERTS_PER_PASS = 16;
    /** Most sightings one follow-up lists; more go in the next follow-up at once. */
    static final int MAX_SIGHTINGS_PER_ALERT = 1000;
    private static final Comparator<Sighting> ALERT_ORDER = Comparator.comparing(Sighting::time)
            .thenComparing(Sighting::source).thenComparing(Sighting::sourceEventId);

    private final CanaryStore store;
    private final List<Detector> detectors;
    private final List<NamedSink> sinks;
    private final String owner;
    private final Duration claimTimeout;
    private final Duration retention;
    private final Claims claims;
    private final SightingClassifier classifier;
    private final List<AlertRoute> routes;
    private final @Nullable List<String> defaultSinks;
    private final List<SuppressionRule> suppressions;
    private final Duration digestInterval;
    private final @Nullable List<String> digestSinks;
    private final Clock clock;
    private final Duration followUpWindow;
    private final Duration clockSkew;
    private final Duration selfUseTolerance;
    private final Duration watchAfterClose;
    private final AlertLedger ledger;
    private final MetricsListener metrics;
    private final PartitionGate gate;
    /** The sinks that report their own deliveries ({@link AlertSink#reportTo}); the engine reports the others'. */
    private final Set<String> selfReporting = new HashSet<>();

    private DetectionEngine(Builder b, CanaryStore store) {
        this.store = store;
        List<Detector> sorted = new ArrayList<>(b.detectors);
        sorted.sort(Comparator.comparingInt(Detector::order));
        this.detectors = List.copyOf(sorted);
        this.sinks = List.copyOf(b.sinks);
        this.owner = b.owner != null ? b.owner : defaultOwner();
        this.claimTimeout = b.claimTimeout;
        this.retention = b.retention;
        this.claims = Claims.create(store, b.clock);
        this.classifier = b.classifier;
        this.routes = List.copyOf(b.routes);
        this.defaultSinks = b.defaultSinks == null ? null : List.copyOf(b.defaultSinks);
        this.suppressions = List.copyOf(b.suppressions);
        this.digestInterval = b.digestInterval;
        this.digestSinks = b.digestSinks == null ? null : List.copyOf(b.digestSinks);
        Set<String> known = new HashSet<>();
        sinks.forEach(s -> known.add(s.name()));
        for (AlertRoute r : routes) {
            for (String name : r.sinks()) {
                if (!known.contains(name)) {
                    throw new io.canarykit.CanaryConfigurationException("alert route '" + r.name() + "' sends to sink '"
                            + name + "', which is not configured; the sinks are " + known);
                }
            }
        }
        if (!suppressions.isEmpty() && digestTargets().isEmpty()) {
            throw new io.canarykit.CanaryConfigurationException("suppression rules hold sightings back for a digest, but"
                    + " no configured sink takes digests" + (digestSinks == null ? "" : " among " + digestSinks)
                    + ": add one (logging, jsonl-file, webhook, slack, teams, discord, google-chat, splunk-hec)");
        }
        if (defaultSinks != null && !known.containsAll(defaultSinks)) {
            throw new io.canarykit.CanaryConfigurationException("the default alert sinks " + defaultSinks
                    + " name a sink that is not configured; the sinks are " + known);
        }
        this.clock = b.clock;
        this.followUpWindow = b.followUpWindow;
        this.clockSkew = b.clockSkew;
        this.selfUseTolerance = b.selfUseTolerance;
        this.watchAfterClose = b.watchAfterClose;
        this.ledger = new AlertLedger(store);
        this.metrics = b.metrics;
        this.gate = b.gate;
        if (metrics != MetricsListener.NONE) {
            for (NamedSink named : sinks) {
                String name = named.name();
                if (named.sink().reportTo(o -> record(l -> l.alertDelivery(name, o)))) {
                    selfReporting.add(name);
                }
            }
        }
    }

    /** A builder; {@link Builder#store} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The detectors, in the order a pass runs them. */
    public List<Detector> detectors() {
        return detectors;
    }

    /**
     * One pass: runs every detector (a detector that throws is reported in the summary and the others still run),
     * then raises the alerts that stored state calls for.
     */
    public synchronized DetectionSummary runOnce() {
        Instant started = clock.instant();
        Pass pass = new Pass();
        List<CanaryRecord> watched = watched(started);
        for (Detector d : detectors) {
            if (!d.partitioned() && !enter(d.source(), null)) {
                LOG.debug("detector {} is being read by another process; skipped in this pass", d.source());
                continue;
            }
            Counter counter = new Counter();
            String failure = null;
            Context ctx = new Context(d.source(), watched, pass);
            try {
                d.poll(ctx, s -> accept(pass, counter, s));
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                pass.failures.add("detector " + d.source() + " failed: " + failure);
                LOG.warn("detector {} failed; it resumes from its last checkpoint next time: {}", d.source(), failure);
            }
            ctx.reportProgress();
            pass.outcomes.add(new DetectorOutcome(d.source(), counter.seen, counter.stored, failure));
        }
        alertPhase(pass); // several engines at once: the claims make every alert go out once
        return pass.summary(started, clock.instant());
    }

    /**
     * Retries the alerts every sink keeps because it could not deliver them yet (its spool), as each pass does first;
     * what a server runs between passes and before it stops. A sink that fails is logged and the others still run.
     *
     * @return how many alerts still wait, over all sinks
     */
    public int flushAlerts() {
        int waiting = 0;
        for (NamedSink named : sinks) {
            try {
                waiting += named.sink().flush();
            } catch (RuntimeException e) {
                LOG.warn("alert sink {} could not retry its undelivered alerts: {}", named.name(), e.getMessage());
            }
        }
        return waiting;
    }

    /**
     * Stores sightings a caller already holds (a push source outside any detector) and runs the alert phase; the same
     * as a pass whose only detector yielded them.
     */
    public synchronized DetectionSummary ingest(List<Sighting> sightings) {
        Instant started = clock.instant();
        Pass pass = new Pass();
        Counter counter = new Counter();
        for (Sighting s : sightings) {
            accept(pass, counter, s);
        }
        pass.outcomes.add(new DetectorOutcome("ingest", counter.seen, counter.stored, null));
        alertPhase(pass);
        return pass.summary(started, clock.instant());
    }

    // ---------------------------------------------------------------- watched canaries

    private List<CanaryRecord> watched(Instant now) {
        List<CanaryRecord> out = new ArrayList<>();
        Instant horizon = now.minus(watchAfterClose);
        CanaryQuery q = CanaryQuery.all().limit(1000);
        while (true) {
            Page<CanaryRecord> page = store.list(q);
            for (CanaryRecord r : page.items()) {
                if (r.accessKeyId() == null) {
                    continue;
                }
                Instant end = r.validUntil();
                if (r.status().isLive() || end == null || end.isAfter(horizon)) {
                    out.add(r);
                }
            }
            if (!page.hasMore()) {
                return List.copyOf(out);
            }
            q = q.after(page.nextCursor());
        }
    }

    // ---------------------------------------------------------------- the sink

    private void accept(Pass pass, Counter counter, Sighting s) {
        Objects.requireNonNull(s, "sighting");
        synchronized (pass) {
            pass.seen++;
            counter.seen++;
            CanaryRecord canary = correlate(s);
            if (canary == null) {
                pass.unmatched++;
                LOG.debug("sighting {}/{} matches no canary", s.source(), s.sourceEventId());
                return;
            }
            Sighting matched = s.withCanaryId(canary.id());
            List<Sighting> stored = pass.storedSightings(canary.id());
            if (matched.kind() == SightingKind.API_CALL && isSelfUse(canary, matched, stored)) {
                matched = matched.withKind(SightingKind.SELF_USE);
            }
            if (matched.kind() != SightingKind.UNLOGGED_USE) {
                String eventId = matched.sourceEventId();
                String source = matched.source();
                boolean seenElsewhere = stored.stream().anyMatch(x -> x.sourceEventId().equals(eventId)
                        && !x.source().equals(source) && x.kind() != SightingKind.UNLOGGED_USE);
                if (seenElsewhere) {
                    pass.duplicates++;
                    return;
                }
            }
            boolean real = matched.kind() != SightingKind.SELF_USE;
            if (real) {
                listBeforeStoring(pass, canary.id()); // a crash after the store still alerts
            }
            if (store.addSighting(matched)) {
                pass.stored++;
                counter.stored++;
                stored.add(matched);
                Sighting first = matched;
                record(l -> l.sightingStored(first));
                if (!real) {
                    pass.selfUses++;
                }
            } else {
                pass.duplicates++;
            }
            if (real) {
                pass.touched.add(canary.id());
            }
        }
    }

    /** Lists the canary under this pass's token before a sighting of it is stored (again when the listing ages). */
    private void listBeforeStoring(Pass pass, CanaryId id) {
        Instant now = clock.instant();
        Instant listed = pass.marked.get(id);
        if (listed == null || now.isAfter(listed.plus(PASS_TOKEN_TTL.dividedBy(2)))) {
            ledger.mark(id, pass.token, now.plus(PASS_TOKEN_TTL));
            pass.marked.put(id, now);
        }
    }

    private static String defaultOwner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            host = "host";
        }
        String h = host.length() > 60 ? host.substring(0, 60) : host;
        return h + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
    }

    private @Nullable CanaryRecord correlate(Sighting s) {
        if (s.canaryId() != null) {
            Optional<CanaryRecord> r = store.find(s.canaryId());
            if (r.isPresent() && valid(r.get(), s.time())) {
                return r.get();
            }
            LOG.debug("sighting {}/{} named canary {}, which {}; correlating it again", s.source(), s.sourceEventId(),
                    s.canaryId(), r.isPresent() ? "was not valid then" : "does not exist");
        }
        if (s.accessKeyId() != null) {
            CanaryRecord r = choose(store.findByAccessKeyId(s.accessKeyId()), s);
            if (r != null) {
                return r;
            }
        }
        if (s.principalArn() != null) {
            String name = UserIdentity.principalNameFromArn(s.principalArn());
            if (name != null) {
                List<CanaryRecord> byName = new ArrayList<>();
                for (CanaryRecord r : store.findByPrincipalName(name)) {
                    if (s.principalArn().equals(r.principal().arn())) {
                        byName.add(r);
                    }
                }
                return choose(byName, s);
            }
        }
        return null;
    }

    private @Nullable CanaryRecord choose(List<CanaryRecord> candidates, Sighting s) {
        CanaryRecord best = null;
        for (CanaryRecord r : candidates) {
            if (!valid(r, s.time())) {
                continue;
            }
            if (best == null) {
                best = r;
                continue;
            }
            boolean rArn = s.principalArn() != null && s.principalArn().equals(r.principal().arn());
            boolean bArn = s.principalArn() != null && s.principalArn().equals(best.principal().arn());
            if (rArn != bArn ? rArn : r.windowStart().isAfter(best.windowStart())) {
                best = r;
            }
        }
        return best;
    }

    private boolean valid(CanaryRecord r, Instant t) {
        return r.validAt(t) || r.validAt(t.plus(clockSkew)) || r.validAt(t.minus(clockSkew));
    }

    private boolean isSelfUse(CanaryRecord canary, Sighting s, List<Sighting> stored) {
        for (SelfUse u : canary.selfUses()) {
            if (!u.eventName().equals(s.call())) {
                continue;
            }
            if (u.requestId() != null) {
                if (u.requestId().equals(s.requestId())) {
                    return true;
                }
                continue;
            }
            if (closeTo(u, s) && stored.stream().noneMatch(x -> x.kind() == SightingKind.SELF_USE
                    && !x.sourceEventId().equals(s.sourceEventId()) && closeTo(u, x))) {
                return true;
            }
        }
        return false;
    }

    private boolean closeTo(SelfUse u, Sighting s) {
        if (Duration.between(u.at(), s.time()).abs().compareTo(selfUseTolerance) > 0) {
            return false;
        }
        return u.userAgent() == null || s.userAgent() != null && s.userAgent().contains(u.userAgent());
    }

    // ---------------------------------------------------------------- alerts

    private void alertPhase(Pass pass) {
        for (NamedSink named : sinks) {
            try {
                int waiting = named.sink().flush();
                if (waiting > 0) {
                    pass.failures.add("alert sink " + named.name() + " still holds " + waiting + " undelivered alert(s)");
                }
            } catch (RuntimeException e) {
                String msg = "alert sink " + named.name() + " could not retry its undelivered alerts: " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
            }
        }
        Map<CanaryId, List<AlertLedger.Token>> listed;
        try {
            listed = ledger.dirty();
        } catch (RuntimeException e) {
            String msg = "reading the canaries to alert on failed (retried next pass): " + e.getMessage();
            pass.failures.add(msg);
            LOG.warn("{}", msg);
            listed = Map.of();
        }
        Set<CanaryId> candidates = new LinkedHashSet<>(listed.keySet());
        candidates.addAll(pass.touched);
        for (CanaryId id : candidates) {
            try {
                List<AlertLedger.Token> tokens = listed.getOrDefault(id, List.of());
                Instant now = clock.instant();
                boolean done = alertCanary(pass, id, now);
                Set<String> remove = new HashSet<>();
                for (AlertLedger.Token t : tokens) {
                    if (t.waiting() || t.expiredAt(now) || t.id().startsWith(owner + "/")) {
                        remove.add(t.id()); // ours (this or an earlier incarnation), dead passes', or what waited
                    }
                }
                remove.add(pass.token);
                boolean ownListed = pass.marked.containsKey(id) || !remove.isEmpty();
                if (ownListed || !done) {
                    ledger.settle(id, remove, done ? null : AlertLedger.waitingToken());
                }
            } catch (RuntimeException e) {
                String msg = "alerting on canary " + id + " failed (retried next pass): " + e.getClass().getSimpleName()
                        + ": " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
            }
        }
        digestPhase(pass, clock.instant());
    }

    /** The start of the digest period {@code t} falls in, in epoch seconds (periods are aligned to the epoch, UTC). */
    private long periodStart(Instant t) {
        long len = Math.max(1, digestInterval.getSeconds());
        return Math.floorDiv(t.getEpochSecond(), len) * len;
    }

    private List<NamedSink> digestTargets() {
        List<NamedSink> out = new ArrayList<>();
        for (NamedSink s : sinks) {
            if (s.sink().acceptsDigests() && (digestSinks == null || digestSinks.contains(s.name()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** Sends the digest of every period that has ended and has suppressed sightings, each once. */
    private void digestPhase(Pass pass, Instant now) {
        if (suppressions.isEmpty() && ledger.set(AlertLedger.DIGESTS_PENDING).isEmpty()) {
            return;
        }
        for (String periodText : ledger.set(AlertLedger.DIGESTS_PENDING)) {
            long period = Long.parseLong(periodText);
            Instant start = Instant.ofEpochSecond(period);
            Instant end = start.plus(digestInterval);
            if (end.isAfter(now)) {
                continue; // still open
            }
            String name = "digest:" + period;
            try {
                Optional<Claim> held = claims.claim(name, owner, claimTimeout, periodText);
                if (held.isEmpty()) {
                    if (claims.find(name).map(Claim::done).orElse(false)) {
                        ledger.removeFromSet(AlertLedger.DIGESTS_PENDING, periodText);
                    }
                    continue;
                }
                SuppressionDigest digest = digest(period, start, end);
                Claim claim = held.get();
                for (NamedSink named : digestTargets()) {
                    if (ledger.sent(digest.id(), named.name())) {
                        continue;
                    }
                    Optional<Claim> renewed = claims.renew(claim, claimTimeout);
                    if (renewed.isEmpty()) {
                        throw new CanaryStoreException("the digest " + digest.id() + " was taken over by another engine",
                                true);
                    }
                    claim = renewed.get();
                    named.sink().sendDigest(digest);
                    ledger.recordSent(digest.id(), named.name(), clock.instant(), clock.instant().plus(retention));
                }
                if (claims.complete(claim, retention)) {
                    ledger.removeFromSet(AlertLedger.DIGESTS_PENDING, periodText);
                    pass.digests.add(digest);
                }
            } catch (RuntimeException e) {
                String msg = "sending the digest of " + start + " failed (retried next pass): "
                        + e.getClass().getSimpleName() + ": " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
            }
        }
    }

    private SuppressionDigest digest(long period, Instant start, Instant end) {
        List<SuppressionDigest.Item> items = new ArrayList<>();
        for (String canaryId : ledger.set(AlertLedger.DIGEST_CANARIES + period)) {
            CanaryId id = CanaryId.parse(canaryId);
            Optional<CanaryRecord> canary = store.find(id);
            if (canary.isEmpty()) {
                continue;
            }
            List<Sighting> all = store.sightings(id);
            for (Sighting s : all) {
                String held = ledger.suppression(s);
                if (held != null && held.startsWith(period + ":")) {
                    items.add(new SuppressionDigest.Item(canary.get(), s, held.substring(held.indexOf(':') + 1),
                            classifier.classify(canary.get(), s, all)));
                }
            }
        }
        items.sort(Comparator.comparing((SuppressionDigest.Item i) -> i.sighting().time())
                .thenComparing(i -> i.sighting().sourceEventId()));
        return new SuppressionDigest(start, end, items);
    }

    /**
     * Alerts on what the canary's stored sightings call for, one claimed alert at a time.
     *
     * @return true if every real sighting is covered by a delivered alert; false if something waits (the follow-up
     *         window, another engine's claim, a sink that failed)
     */
    private boolean alertCanary(Pass pass, CanaryId id, Instant now) {
        Optional<CanaryRecord> found = store.find(id);
        if (found.isEmpty()) {
            LOG.warn("canary {} has sightings to alert on but no record; dropping it from the list", id);
            return true;
        }
        boolean fullAlertSent = false;
        for (int round = 0; round < MAX_ALERTS_PER_PASS; round++) {
            List<Sighting> real = new ArrayList<>();
            for (Sighting s : store.sightings(id)) {
                if (s.kind() == SightingKind.SELF_USE) {
                    continue;
                }
                int covered = ledger.alertNumber(s);
                if (covered == AlertLedger.SUPPRESSED) {
                    continue; // held for its digest
                }
                SuppressionRule rule = covered == 0 ? SuppressionRule.first(suppressions, s) : null;
                if (rule != null) {
                    ledger.suppress(id, s, rule.name(), periodStart(now));
                    pass.suppressed++;
                    continue;
                }
                real.add(s);
            }
            if (real.isEmpty()) {
                return true;
            }
            real.sort(ALERT_ORDER);
            CanaryRecord canary = trigger(pass, found.get(), real.get(0).time());
            AlertLedger.State state = ledger.state(id);
            int n = state.alerts() + 1;
            String name = AlertLedger.claimName(id, n);
            Optional<Claim> existing = claims.find(name);
            Claim claim;
            if (existing.isPresent()) {
                Claim c = existing.get();
                if (c.done()) {
                    AlertLedger.Content done = AlertLedger.Content.decode(c.payload());
                    ledger.advance(id, new AlertLedger.State(n, now, done.prior() + done.sightings().size()));
                    continue;
                }
                Optional<Claim> taken = claims.claim(name, owner, claimTimeout, c.payload());
                if (taken.isEmpty()) {
                    LOG.debug("alert {} of canary {} is being delivered by {}", n, id, c.owner());
                    return false;
                }
                claim = taken.get();
            } else {
                List<Sighting> pending = new ArrayList<>();
                int alerted = 0;
                for (Sighting s : real) {
                    int covered = ledger.alertNumber(s);
                    if (covered == 0 || covered >= n) {
                        pending.add(s); // never alerted, or marked by an alert that was never claimed (older stores)
                    } else {
                        alerted++;
                    }
                }
                if (pending.isEmpty()) {
                    return true;
                }
                AlertType type;
                List<Sighting> covered;
                if (n == 1) {
                    type = AlertType.INITIAL;
                    covered = List.of(pending.get(0));
                } else {
                    Instant last = state.lastAlertAt() == null ? Instant.EPOCH : state.lastAlertAt();
                    if (!fullAlertSent && now.isBefore(last.plus(followUpWindow))) {
                        return false; // collected for the follow-up
                    }
                    type = AlertType.FOLLOW_UP;
                    covered = pending.subList(0, Math.min(pending.size(), MAX_SIGHTINGS_PER_ALERT));
                }
                List<String> keys = covered.stream().map(AlertLedger::key).toList();
                List<Classification> classes = classifier.classifyAll(found.get(), covered, real);
                String payload = new AlertLedger.Content(type, now, alerted, keys, Classifications.encode(classes)).encode();
                Optional<Claim> mine = claims.claim(name, owner, claimTimeout, payload);
                if (mine.isEmpty()) {
                    continue; // another engine claimed it first: look again
                }
                claim = mine.get();
            }
            if (!deliver(pass, canary, claim, n, real)) {
                return false;
            }
            fullAlertSent = AlertLedger.Content.decode(claim.payload()).sightings().size() >= MAX_SIGHTINGS_PER_ALERT;
        }
        return false; // more than a pass should send: the rest goes next pass
    }

    /** Delivers the claimed alert to every sink that has not taken it yet, then completes the claim. */
    private boolean deliver(Pass pass, CanaryRecord canary, Claim claim, int n, List<Sighting> real) {
        AlertLedger.Content content = AlertLedger.Content.decode(claim.payload());
        Map<String, Sighting> byKey = AlertLedger.byKey(real);
        List<Sighting> covered = new ArrayList<>();
        for (String key : content.sightings()) {
            Sighting s = byKey.get(key);
            if (s == null) {
                throw new CanaryStoreException("alert " + n + " of canary " + canary.id() + " covers a sighting the store"
                        + " no longer holds (" + key + ")", false);
            }
            covered.add(s);
        }
        for (String key : content.sightings()) {
            ledger.markCovered(canary.id(), key, n);
        }
        Sighting shown = content.type() == AlertType.INITIAL ? covered.get(0) : covered.get(covered.size() - 1);
        DetectionWindow window = new DetectionWindow(canary.windowStart(),
                canary.triggeredAt() != null ? canary.triggeredAt() : real.get(0).time());
        List<Classification> classes = content.extra() == null ? null : Classifications.decode(content.extra());
        if (classes == null || classes.size() != covered.size()) {
            classes = classifier.classifyAll(canary, covered, real);
        }
        Alert alert = new Alert(content.type(), canary, shown, covered, window, content.prior(), content.raisedAt(),
                SightingClassifier.overall(classes), classes);
        Claim held = claim;
        for (NamedSink named : route(alert)) {
            if (ledger.sent(canary.id(), n, named.name())) {
                continue;
            }
            Optional<Claim> renewed = claims.renew(held, claimTimeout);
            if (renewed.isEmpty()) {
                pass.failures.add("alert " + n + " of canary " + canary.id() + " was taken over by another engine while"
                        + " this one delivered it; that engine finishes it");
                return false;
            }
            held = renewed.get();
            try {
                named.sink().send(alert);
                if (!selfReporting.contains(named.name())) {
                    record(l -> l.alertDelivery(named.name(), AlertOutcome.SENT));
                }
            } catch (RuntimeException e) {
                if (!selfReporting.contains(named.name())) {
                    record(l -> l.alertDelivery(named.name(), AlertOutcome.FAILED));
                }
                String msg = "alert sink " + named.name() + " failed on canary " + canary.id()
                        + " (the alert is sent again next pass): " + e.getClass().getSimpleName() + ": " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
                return false;
            }
            ledger.recordSent(canary.id(), n, named.name(), clock.instant(), clock.instant().plus(retention));
        }
        if (!claims.complete(held, retention)) {
            pass.failures.add("alert " + n + " of canary " + canary.id() + " was taken over by another engine after"
                    + " this one delivered it: it may be delivered twice (same alert id)");
            return false;
        }
        ledger.advance(canary.id(), new AlertLedger.State(n, clock.instant(), content.prior() + covered.size()));
        pass.alerts.add(alert);
        return true;
    }

    /** The sinks {@code alert} goes to: those of every matching route, else the default ones (all, by default). */
    private List<NamedSink> route(Alert alert) {
        Set<String> chosen = new HashSet<>();
        for (AlertRoute r : routes) {
            if (r.matches(alert)) {
                chosen.addAll(r.sinks());
            }
        }
        if (chosen.isEmpty()) {
            if (defaultSinks == null) {
                return sinks;
            }
            chosen.addAll(defaultSinks);
        }
        List<NamedSink> out = new ArrayList<>();
        for (NamedSink s : sinks) {
            if (chosen.contains(s.name())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Moves the canary to TRIGGERED (if live) with its first use, by compare-and-set with retries. */
    private CanaryRecord trigger(Pass pass, CanaryRecord current, Instant firstUse) {
        CanaryRecord r = current;
        for (int attempt = 1; ; attempt++) {
            boolean statusChange = (r.status() == CanaryStatus.ACTIVE || r.status() == CanaryStatus.ROTATED
                    || r.status() == CanaryStatus.PENDING || r.status() == CanaryStatus.COMPLETED)
                    && r.accessKeyId() != null;
            Instant first = r.triggeredAt() == null || firstUse.isBefore(r.triggeredAt()) ? firstUse : r.triggeredAt();
            if (!statusChange && first.equals(r.triggeredAt())) {
                return r;
            }
            CanaryRecord.Builder b = r.toBuilder().triggeredAt(first);
            if (statusChange) {
                b.status(CanaryStatus.TRIGGERED);
            }
            try {
                CanaryRecord updated = store.update(b.build());
                if (statusChange) {
                    pass.triggered.add(r.id());
                }
                return updated;
            } catch (StaleVersionException e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw e;
                }
                r = store.find(r.id()).orElseThrow(() -> e);
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private boolean enter(String source, @Nullable String partition) {
        try {
            return gate.enter(source, partition);
        } catch (RuntimeException e) {
            LOG.warn("could not decide whether to read {}{}; skipped in this pass: {}", source,
                    partition == null ? "" : " partition " + partition, e.toString());
            return false;
        }
    }

    /** Calls the metrics listener; what it throws is logged and dropped. */
    private void record(Consumer<MetricsListener> call) {
        try {
            call.accept(metrics);
        } catch (RuntimeException e) {
            LOG.debug("the metrics listener failed: {}", e.toString());
        }
    }

    /** One pass's counters and caches. */
    private final class Pass {
        final List<DetectorOutcome> outcomes = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<CanaryId> triggered = new ArrayList<>();
        final List<Alert> alerts = new ArrayList<>();
        final Set<CanaryId> touched = new LinkedHashSet<>();
        final Map<CanaryId, Instant> marked = new HashMap<>();
        final List<SuppressionDigest> digests = new ArrayList<>();
        long suppressed;
        final String token = owner + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        final Map<CanaryId, List<Sighting>> storedCache = new HashMap<>();
        long seen;
        long stored;
        long duplicates;
        long unmatched;
        long selfUses;

        List<Sighting> storedSightings(CanaryId id) {
            return storedCache.computeIfAbsent(id, k -> new ArrayList<>(store.sightings(k)));
        }

        DetectionSummary summary(Instant started, Instant finished) {
            return new DetectionSummary(started, finished, outcomes, seen, stored, duplicates, unmatched, selfUses,
                    triggered, alerts, failures);
        }
    }

    private static final class Counter {
        long seen;
        long stored;
    }

    private final class Context implements DetectorContext {
        private final String source;
        private final List<CanaryRecord> watched;
        private final Pass pass;
        private @Nullable Instant newest;

        Context(String source, List<CanaryRecord> watched, Pass pass) {
            this.source = source;
            this.watched = watched;
            this.pass = pass;
        }

        @Override
        public void report(String problem) {
            Objects.requireNonNull(problem, "problem");
            synchronized (pass) {
                pass.failures.add("detector " + source + ": " + problem);
            }
            LOG.warn("detector {}: {}", source, problem);
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public boolean claimPartition(String partition) {
            Objects.requireNonNull(partition, "partition");
            return enter(source, partition);
        }

        @Override
        public synchronized void readUpTo(Instant newestRecord) {
            if (newestRecord != null && (newest == null || newestRecord.isAfter(newest))) {
                newest = newestRecord;
            }
        }

        synchronized void reportProgress() {
            if (newest != null) {
                Instant t = newest;
                record(l -> l.detectorProgress(source, t));
            }
        }

        @Override
        public List<CanaryRecord> watchedCanaries() {
            return watched;
        }

        @Override
        public Optional<String> checkpoint(String key) {
            return store.checkpoint(source + ":" + key);
        }

        @Override
        public void saveCheckpoint(String key, String value) {
            store.saveCheckpoint(source + ":" + key, value);
        }

        @Override
        public List<Sighting> sightings(CanaryId canaryId) {
            return store.sightings(canaryId);
        }
    }

    /** An alert sink and the name the ledger records its deliveries under. */
    private record NamedSink(String name, AlertSink sink) {
    }

    @Override
    public String toString() {
        return "DetectionEngine[" + detectors.size() + " detectors, " + sinks.size() + " sinks, follow-up window "
                + followUpWindow + "]";
    }

    /**
     * Builder for {@link DetectionEngine}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable CanaryStore store;
        private final List<Detector> detectors = new ArrayList<>();
        private final List<NamedSink> sinks = new ArrayList<>();
        private @Nullable String owner;
        private Duration claimTimeout = Duration.ofMinutes(10);
        private Duration retention = Duration.ofDays(30);
        private SightingClassifier classifier = SightingClassifier.create();
        private final List<AlertRoute> routes = new ArrayList<>();
        private @Nullable List<String> defaultSinks;
        private final List<SuppressionRule> suppressions = new ArrayList<>();
        private Duration digestInterval = Duration.ofDays(1);
        private @Nullable List<String> digestSinks;
        private Clock clock = Clock.systemUTC();
        private Duration followUpWindow = Duration.ofMinutes(15);
        private Duration clockSkew = Duration.ofMinutes(1);
        private Duration selfUseTolerance = Duration.ofMinutes(5);
        private Duration watchAfterClose = Duration.ofDays(7);
        private MetricsListener metrics = MetricsListener.NONE;
        private PartitionGate gate = PartitionGate.OPEN;

        private Builder() {
        }

        /** Where sightings stored, alerts delivered and detectors' progress are reported (default none). */
        public Builder metrics(MetricsListener v) {
            metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        /**
         * Which detectors and partitions this engine may read in a pass (default {@link PartitionGate#OPEN}: all):
         * with several processes on one store, a gate backed by leases keeps two off the same source.
         */
        public Builder partitionGate(PartitionGate v) {
            gate = Objects.requireNonNull(v, "partitionGate");
            return this;
        }

        /** The store canaries, sightings, checkpoints and alert bookkeeping live in (required). */
        public Builder store(CanaryStore v) {
            store = Objects.requireNonNull(v, "store");
            return this;
        }

        /** Adds a detector. */
        public Builder detector(Detector v) {
            detectors.add(Objects.requireNonNull(v, "detector"));
            return this;
        }

        /** Adds detectors. */
        public Builder detectors(List<? extends Detector> v) {
            v.forEach(this::detector);
            return this;
        }

        /** Adds an alert sink named {@code sink-<n>} (its position); alerts go to every sink, in the order added. */
        public Builder alertSink(AlertSink v) {
            return alertSink("sink-" + sinks.size(), v);
        }

        /**
         * Adds an alert sink under a name unique among the engine's sinks: the name records which sinks took an alert,
         * so that a retry (or another engine sharing the store) sends it only to those that did not. Keep names stable
         * across restarts (the configured sink names are).
         */
        public Builder alertSink(String name, AlertSink v) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(v, "alertSink");
            if (name.isBlank() || sinks.stream().anyMatch(x -> x.name().equals(name))) {
                throw new io.canarykit.CanaryConfigurationException("alert sink name '" + name + "' is blank or used twice:"
                        + " give every sink of an engine its own name");
            }
            sinks.add(new NamedSink(name, v));
            return this;
        }

        /** Adds alert sinks. */
        public Builder alertSinks(List<? extends AlertSink> v) {
            v.forEach(this::alertSink);
            return this;
        }

        /**
         * The name this engine claims alerts under (default: host, process id and a random part). Every engine sharing a
         * store needs its own; an engine that restarts under the same name resumes its unfinished alerts at once, any
         * other waits for {@link #alertClaimTimeout}.
         */
        public Builder owner(String v) {
            if (v == null || v.isBlank() || v.length() > 150 || v.contains("/") || v.contains(" ")) {
                throw new io.canarykit.CanaryConfigurationException("an engine owner name has 1-150 characters without"
                        + " '/' or spaces, such as detect-host1");
            }
            owner = v;
            return this;
        }

        /**
         * How long an engine holds an alert it claimed before another may take it over (default 10 minutes; renewed
         * before each sink). Longer than any one delivery takes, shorter than you accept an alert to be delayed by a
         * crashed engine.
         */
        public Builder alertClaimTimeout(Duration v) {
            claimTimeout = Durations.positive(v, "alertClaimTimeout");
            return this;
        }

        /**
         * Adds a routing rule: alerts it matches go to its sinks (by the names given to {@link #alertSink(String,
         * AlertSink)}); an alert no rule matches goes to the {@link #defaultSinks default sinks}.
         */
        public Builder route(AlertRoute v) {
            routes.add(Objects.requireNonNull(v, "route"));
            return this;
        }

        /** Where alerts no route matches go (default: every sink). Routing never drops an alert. */
        public Builder defaultSinks(List<String> v) {
            if (v.isEmpty()) {
                throw new io.canarykit.CanaryConfigurationException("the default alert sinks cannot be empty: an alert"
                        + " no route matches would go nowhere");
            }
            defaultSinks = List.copyOf(v);
            return this;
        }

        /**
         * Adds a suppression rule: matching sightings are stored and counted but not alerted one by one; they are
         * listed in the digest of their period instead ({@link #digestInterval}), sent to the digest sinks.
         */
        public Builder suppress(SuppressionRule v) {
            suppressions.add(Objects.requireNonNull(v, "suppression rule"));
            return this;
        }

        /** The length of a digest period, aligned to the epoch in UTC (default one day). */
        public Builder digestInterval(Duration v) {
            digestInterval = Durations.positive(v, "digestInterval");
            return this;
        }

        /** The sinks digests go to (default: every sink that takes digests). */
        public Builder digestSinks(List<String> v) {
            digestSinks = List.copyOf(v);
            return this;
        }

        /** What classifies each alerted sighting (default {@link SightingClassifier#create()}). */
        public Builder classifier(SightingClassifier v) {
            classifier = Objects.requireNonNull(v, "classifier");
            return this;
        }

        /** How long the record of a delivered alert is kept in the store (default 30 days). */
        public Builder alertRetention(Duration v) {
            retention = Durations.positive(v, "alertRetention");
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /**
         * How long after a canary's last alert later sightings are collected before a follow-up lists them (default 15
         * minutes; zero sends each pass's new sightings at once).
         */
        public Builder followUpWindow(Duration v) {
            followUpWindow = nonNegative(v, "followUpWindow");
            return this;
        }

        /** How far event times may disagree with the validity window and still match (default 1 minute). */
        public Builder clockSkew(Duration v) {
            clockSkew = nonNegative(v, "clockSkew");
            return this;
        }

        /** How close to a recorded self-use without a request id an event must be to count as it (default 5 min). */
        public Builder selfUseTolerance(Duration v) {
            selfUseTolerance = nonNegative(v, "selfUseTolerance");
            return this;
        }

        /** How long after a canary was closed or expired detectors still watch for late events (default 7 days). */
        public Builder watchAfterClose(Duration v) {
            watchAfterClose = nonNegative(v, "watchAfterClose");
            return this;
        }

        private static Duration nonNegative(Duration v, String name) {
            return Durations.nonNegative(v, name);
        }

        /**
         * Builds the engine.
         *
         * @throws io.canarykit.CanaryConfigurationException if no store was given
         */
        public DetectionEngine build() {
            CanaryStore s = store;
            if (s == null) {
                throw new io.canarykit.CanaryConfigurationException("a DetectionEngine needs a store: call store(...)");
            }
            return new DetectionEngine(this, s);
        }
    }
}
