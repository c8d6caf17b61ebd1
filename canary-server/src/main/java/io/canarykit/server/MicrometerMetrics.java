package io.canarykit.server;

import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Sighting;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.metrics.IssueFailure;
import io.canarykit.metrics.MetricsListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * canarykit's {@link MetricsListener} on a Micrometer registry: the metrics {@code canary serve} exposes for
 * Prometheus ({@code /metrics}). Names as Prometheus shows them:
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><td>{@code canary_canaries_live{kind,account,status}}</td><td>gauge: live canaries (refreshed from the store by
 *       the metrics loop; every copy of the server reports the same numbers, so aggregate with {@code max})</td></tr>
 *   <tr><td>{@code canary_sightings_total{source,kind}}</td><td>counter: sightings stored for the first time by this
 *       process</td></tr>
 *   <tr><td>{@code canary_alerts_total{sink,outcome}}</td><td>counter: alert deliveries, {@code outcome} one of
 *       {@code sent}, {@code retried}, {@code spooled}, {@code failed}</td></tr>
 *   <tr><td>{@code canary_detector_lag_seconds{detector}}</td><td>gauge: age of the newest record the detector has read
 *       (grows while it reads nothing new)</td></tr>
 *   <tr><td>{@code canary_issuance_seconds{kind,outcome}}</td><td>timer (count, sum, max): issuance latency,
 *       {@code outcome} {@code ok} or {@code failed}</td></tr>
 *   <tr><td>{@code canary_issuance_failures_total{kind,cause}}</td><td>counter: failed issuances by cause
 *       ({@link IssueFailure#label()})</td></tr>
 *   <tr><td>{@code canary_quota_headroom{account}}</td><td>gauge: long-term canaries the account can still take
 *       (IAM users left under the quota)</td></tr>
 * </table>
 *
 * <p>Thread-safe: the listener methods are called from request and loop threads.
 *
 * @since 0.1.0
 */
public final class MicrometerMetrics implements MetricsListener {
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicReference<Instant>> newest = new ConcurrentHashMap<>();
    private final MultiGauge live;
    private final MultiGauge headroom;

    /**
     * Records into {@code registry}.
     *
     * @param registry where meters go
     * @param clock    the clock detector lag is measured with
     */
    public MicrometerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.live = MultiGauge.builder("canary.canaries.live").description("Live canaries by kind, account and status")
                .register(registry);
        this.headroom = MultiGauge.builder("canary.quota.headroom")
                .description("Long-term canaries the account can still take (IAM users left under its quota)")
                .register(registry);
    }

    /** The registry. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the alert counters of {@code sink} at zero, so that every outcome shows before it first happens. */
    public void sink(String sink) {
        for (AlertOutcome o : AlertOutcome.values()) {
            alerts(sink, o);
        }
    }

    @Override
    public void issued(CredentialKind kind, String accountId, Duration latency) {
        issuance(kind, "ok").record(latency);
    }

    @Override
    public void issueFailed(CredentialKind kind, IssueFailure cause, Duration latency) {
        issuance(kind, "failed").record(latency);
        Counter.builder("canary.issuance.failures").description("Failed issuances by cause")
                .tags("kind", kind.configName(), "cause", cause.label()).register(registry).increment();
    }

    private Timer issuance(CredentialKind kind, String outcome) {
        return Timer.builder("canary.issuance").description("Issuance latency, from request to stored receipt")
                .tags("kind", kind.configName(), "outcome", outcome).register(registry);
    }

    @Override
    public void sightingStored(Sighting sighting) {
        Counter.builder("canary.sightings").description("Sightings stored for the first time by this process")
                .tags("source", sighting.source(), "kind", sighting.kind().name().toLowerCase(Locale.ROOT)
                        .replace('_', '-'))
                .register(registry).increment();
    }

    @Override
    public void alertDelivery(String sink, AlertOutcome outcome) {
        alerts(sink, outcome).increment();
    }

    private Counter alerts(String sink, AlertOutcome outcome) {
        return Counter.builder("canary.alerts").description("Alert deliveries by sink and outcome")
                .tags("sink", sink, "outcome", outcome.label()).register(registry);
    }

    @Override
    public void detectorProgress(String detector, Instant newestRecord) {
        AtomicReference<Instant> ref = newest.computeIfAbsent(detector, d -> {
            AtomicReference<Instant> r = new AtomicReference<>();
            TimeGauge.builder("canary.detector.lag", r, TimeUnit.SECONDS, x -> lagSeconds(x.get()))
                    .description("Age of the newest record the detector has read").tags("detector", d)
                    .register(registry);
            return r;
        });
        ref.accumulateAndGet(newestRecord, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    private double lagSeconds(@Nullable Instant t) {
        if (t == null) {
            return Double.NaN;
        }
        return Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0);
    }

    /** Sets the live-canary gauges from {@code liveCanaries} (every live record). */
    void liveCanaries(List<CanaryRecord> liveCanaries) {
        Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
        for (CanaryRecord r : liveCanaries) {
            counts.merge(List.of(r.kind().configName(), r.accountId(), r.status().name().toLowerCase(Locale.ROOT)), 1,
                    Integer::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((k, n) -> rows.add(MultiGauge.Row.of(Tags.of("kind", k.get(0), "account", k.get(1),
                "status", k.get(2)), n)));
        live.register(rows, true);
    }

    /** Sets the quota headroom gauges: account → room for long-term canaries. */
    void quotaHeadroom(Map<String, Long> byAccount) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        new TreeMap<>(byAccount).forEach((a, n) -> rows.add(MultiGauge.Row.of(Tags.of("account", a), n)));
        headroom.register(rows, true);
    }

    @Override
    public String toString() {
        return "MicrometerMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
