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
import io.canarykit.alert.AlertSink;
import io.canarykit.cloudtrail.UserIdentity;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.metrics.MetricsListener;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

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
 * <h2>Restarts</h2>
 * Alerts are derived from stored state, never from what a pass happens to hold in memory: the canary is listed as
 * "dirty" in the store before its sighting is stored, a detector saves a checkpoint only after the sightings before it
 * were stored, and every pass alerts on whatever stored sightings of dirty canaries no alert covers yet. A crash
 * anywhere loses no sighting (the detector re-reads from its last checkpoint), stores none twice (storage is
 * idempotent) and loses no alert (the next pass finds the canary dirty). Delivery is at least once: a crash after the
 * sinks took an alert but before it was recorded sends it again, with the same alert id.
 *
 * <p>One engine per store: two engines over one store could both alert. {@link #runOnce()} is thread-safe (passes are
 * serialised); detectors may hand over sightings from several threads.
 */
public final class DetectionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEngine.class);
    private static final int CAS_ATTEMPTS = 16;

    private final CanaryStore store;
    private final List<Detector> detectors;
    private final List<AlertSink> sinks;
    private final Clock clock;
    private final Duration followUpWindow;
    private final Duration clockSkew;
    private final Duration selfUseTolerance;
    private final Duration watchAfterClose;
    private final AlertLedger ledger;
    private final MetricsListener metrics;
    private final PartitionGate gate;

    private DetectionEngine(Builder b) {
        this.store = b.store;
        List<Detector> sorted = new ArrayList<>(b.detectors);
        sorted.sort(Comparator.comparingInt(Detector::order));
        this.detectors = List.copyOf(sorted);
        this.sinks = List.copyOf(b.sinks);
        this.clock = b.clock;
        this.followUpWindow = b.followUpWindow;
        this.clockSkew = b.clockSkew;
        this.selfUseTolerance = b.selfUseTolerance;
        this.watchAfterClose = b.watchAfterClose;
        this.ledger = new AlertLedger(store);
        this.metrics = b.metrics;
        this.gate = b.gate;
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
        if (enter(PartitionGate.ALERTS, null)) {
            alertPhase(pass);
        } else {
            LOG.debug("another process alerts; this pass only stored its sightings");
        }
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
        for (AlertSink sink : sinks) {
            try {
                waiting += sink.flush();
            } catch (RuntimeException e) {
                LOG.warn("alert sink {} could not retry its undelivered alerts: {}", sink, e.getMessage());
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
                ledger.markDirty(canary.id()); // before storing: a crash after the store still alerts
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

    private CanaryRecord correlate(Sighting s) {
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

    private CanaryRecord choose(List<CanaryRecord> candidates, Sighting s) {
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
        for (AlertSink sink : sinks) {
            try {
                int waiting = sink.flush();
                if (waiting > 0) {
                    pass.failures.add("alert sink " + sink + " still holds " + waiting + " undelivered alert(s)");
                }
            } catch (RuntimeException e) {
                String msg = "alert sink " + sink + " could not retry its undelivered alerts: " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
            }
        }
        Set<CanaryId> candidates = new LinkedHashSet<>(ledger.dirty());
        candidates.addAll(pass.touched);
        Instant now = clock.instant();
        for (CanaryId id : candidates) {
            try {
                alertCanary(pass, id, now);
            } catch (RuntimeException e) {
                String msg = "alerting on canary " + id + " failed (retried next pass): " + e.getClass().getSimpleName()
                        + ": " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
            }
        }
    }

    private void alertCanary(Pass pass, CanaryId id, Instant now) {
        Optional<CanaryRecord> found = store.find(id);
        if (found.isEmpty()) {
            LOG.warn("canary {} has sightings to alert on but no record; dropping it from the dirty list", id);
            ledger.clean(id);
            return;
        }
        List<Sighting> real = new ArrayList<>();
        for (Sighting s : store.sightings(id)) {
            if (s.kind() != SightingKind.SELF_USE) {
                real.add(s);
            }
        }
        if (real.isEmpty()) {
            ledger.clean(id);
            return;
        }
        real.sort(Comparator.comparing(Sighting::time).thenComparing(Sighting::source).thenComparing(Sighting::sourceEventId));
        CanaryRecord canary = trigger(pass, found.get(), real.get(0).time());

        AlertLedger.State state = ledger.state(id);
        int next = state.alerts() + 1;
        List<Sighting> inFlight = new ArrayList<>();
        List<Sighting> pending = new ArrayList<>();
        int alerted = 0;
        for (Sighting s : real) {
            int n = ledger.alertNumber(id, s);
            if (n == 0) {
                pending.add(s);
            } else if (n >= next) {
                inFlight.add(s);
            } else {
                alerted++;
            }
        }
        DetectionWindow window = new DetectionWindow(canary.windowStart(),
                canary.triggeredAt() != null ? canary.triggeredAt() : real.get(0).time());
        if (!inFlight.isEmpty()) {
            // written down but not confirmed before a crash: send exactly that alert again
            if (!send(pass, canary, window, next, inFlight, alerted, now)) {
                return;
            }
            alerted += inFlight.size();
            state = new AlertLedger.State(next, now, alerted);
            next++;
        }
        if (!pending.isEmpty() && state.alerts() == 0) {
            List<Sighting> first = List.of(pending.remove(0));
            ledger.intend(id, first, next);
            if (!send(pass, canary, window, next, first, alerted, now)) {
                return;
            }
            alerted++;
            state = new AlertLedger.State(next, now, alerted);
            next++;
        }
        Instant last = state.lastAlertAt() == null ? Instant.EPOCH : state.lastAlertAt();
        if (!pending.isEmpty() && !now.isBefore(last.plus(followUpWindow))) {
            ledger.intend(id, pending, next);
            if (!send(pass, canary, window, next, pending, alerted, now)) {
                return;
            }
            pending.clear();
        }
        if (pending.isEmpty()) {
            ledger.clean(id);
        }
    }

    /** Builds alert number {@code n}, hands it to every sink and confirms it; false if a sink failed. */
    private boolean send(Pass pass, CanaryRecord canary, DetectionWindow window, int n, List<Sighting> covered,
                         int prior, Instant now) {
        List<Sighting> sorted = new ArrayList<>(covered);
        sorted.sort(Comparator.comparing(Sighting::time).thenComparing(Sighting::source).thenComparing(Sighting::sourceEventId));
        AlertType type = n == 1 ? AlertType.INITIAL : AlertType.FOLLOW_UP;
        Sighting shown = type == AlertType.INITIAL ? sorted.get(0) : sorted.get(sorted.size() - 1);
        Alert alert = new Alert(type, canary, shown, sorted, window, prior, now);
        if (!deliver(pass, alert)) {
            return false;
        }
        ledger.confirm(canary.id(), n, now, prior + sorted.size());
        return true;
    }

    private boolean deliver(Pass pass, Alert alert) {
        for (AlertSink sink : sinks) {
            try {
                sink.send(alert);
                record(l -> l.alertDelivery(sinkName(sink), AlertOutcome.SENT));
            } catch (RuntimeException e) {
                record(l -> l.alertDelivery(sinkName(sink), AlertOutcome.FAILED));
                String msg = "alert sink " + sink + " failed on canary " + alert.canary().id()
                        + " (the alert is sent again next pass): " + e.getClass().getSimpleName() + ": " + e.getMessage();
                pass.failures.add(msg);
                LOG.warn("{}", msg);
                return false;
            }
        }
        pass.alerts.add(alert);
        return true;
    }

    /** Moves the canary to TRIGGERED (if live) with its first use, by compare-and-set with retries. */
    private CanaryRecord trigger(Pass pass, CanaryRecord current, Instant firstUse) {
        CanaryRecord r = current;
        for (int attempt = 1; ; attempt++) {
            boolean statusChange = (r.status() == CanaryStatus.ACTIVE || r.status() == CanaryStatus.ROTATED
                    || r.status() == CanaryStatus.PENDING) && r.accessKeyId() != null;
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

    private boolean enter(String source, String partition) {
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

    private static String sinkName(AlertSink sink) {
        String simple = sink.getClass().getSimpleName();
        return simple.endsWith("AlertSink") && simple.length() > 9
                ? kebab(simple.substring(0, simple.length() - 9)) : kebab(simple);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** One pass's counters and caches. */
    private final class Pass {
        final List<DetectorOutcome> outcomes = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<CanaryId> triggered = new ArrayList<>();
        final List<Alert> alerts = new ArrayList<>();
        final Set<CanaryId> touched = new LinkedHashSet<>();
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
        private Instant newest;

        Context(String source, List<CanaryRecord> watched, Pass pass) {
            this.source = source;
            this.watched = watched;
            this.pass = pass;
        }

        @Override
        public void report(String problem) {
            java.util.Objects.requireNonNull(problem, "problem");
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

    @Override
    public String toString() {
        return "DetectionEngine[" + detectors.size() + " detectors, " + sinks.size() + " sinks, follow-up window "
                + followUpWindow + "]";
    }

    /** Builder for {@link DetectionEngine}. */
    public static final class Builder {
        private CanaryStore store;
        private final List<Detector> detectors = new ArrayList<>();
        private final List<AlertSink> sinks = new ArrayList<>();
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

        /** Adds an alert sink; alerts go to every sink, in the order added. */
        public Builder alertSink(AlertSink v) {
            sinks.add(Objects.requireNonNull(v, "alertSink"));
            return this;
        }

        /** Adds alert sinks. */
        public Builder alertSinks(List<? extends AlertSink> v) {
            v.forEach(this::alertSink);
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
            if (store == null) {
                throw new io.canarykit.CanaryConfigurationException("a DetectionEngine needs a store: call store(...)");
            }
            return new DetectionEngine(this);
        }
    }
}
