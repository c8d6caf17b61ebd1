package io.canarykit.server;

import io.canarykit.server.console.DetectorRuns;
import io.canarykit.server.console.WebConsole;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.LifecycleReport;
import io.canarykit.aws.account.AccountPool;
import io.canarykit.aws.account.AccountQuota;
import io.canarykit.aws.account.OrganizationPool;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.inventory.AssetSource;
import io.canarykit.inventory.AssetSourceProvider;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuerPool;
import io.canarykit.server.ServerSettings.Loop;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.Lease;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The long-running service, {@code canary serve}: the issuance API, health and metrics endpoints, and the scheduled
 * loops that keep the canaries right, on one {@link CanaryService} built from the configuration.
 *
 * <h2>Endpoints</h2>
 * {@code /v1/canaries} (the {@link IssuanceApi}, when callers are configured), {@code /health/live} (the process
 * answers), {@code /health/ready} ({@link Readiness}: store reachable and migrated, AWS credentials resolvable, not
 * stopping), {@code /metrics} (Prometheus text, {@link MicrometerMetrics}; wants {@code canary.server.metrics.token}).
 *
 * <h2>Loops</h2>
 * Each loop has its own interval ({@code canary.server.<loop>.interval}, {@code off} to disable) and its own thread,
 * so a long detection pass delays no rotation; a loop never runs twice at once in one process. Detection and alert
 * retries run in every copy: detection reads only the detectors and detector partitions this process holds a lease on
 * ({@link LeaseKeeper} as the engine's {@link io.canarykit.detect.PartitionGate}), and alerts are delivered once by
 * the store's claims. Rotation, expiry, recovery, reconciliation, onboarding and purging are leased as a whole
 * ({@code loop:<name>}): one copy runs each, and another takes it over when the holder's lease expires.
 *
 * <h2>Stopping</h2>
 * {@link #stop()} (what SIGTERM runs): readiness turns 503, no loop starts again, requests in flight finish (an
 * issuance that cannot finish within {@code canary.server.shutdown-timeout} is left as a recorded intent that the
 * recover loop of any copy finishes), running passes finish, the alert spools are flushed once more, leases are
 * released so other copies take over at once, then the service closes.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class CanaryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryServer.class);

    private final ServerSettings settings;
    private final CanaryConfig config;
    private final CanaryService service;
    private final @Nullable IssuanceApi api;
    private final DetectorRuns runs;
    private final CanaryHttpServer http;
    private final LeaseKeeper leases;
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;
    private final MicrometerMetrics metrics;
    private final Map<Loop, ServerLoop> loops = new EnumMap<>(Loop.class);
    private final ScheduledThreadPoolExecutor scheduler;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DeviceApi.@Nullable StaleChecks staleChecks;

    private CanaryServer(Builder b) {
        this.config = b.config;
        this.clock = b.clock;
        this.settings = ServerSettings.fromConfig(b.config, b.environment);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new MicrometerMetrics(registry, clock);
        this.leases = new LeaseKeeper(settings.instanceId(), settings.leaseDuration(), clock);
        this.runs = DetectorRuns.create(clock);
        CanaryService s = null;
        Readiness r = null;
        try {
            s = CanaryService.fromConfig(b.config, metrics, leases);
            leases.bind(s.store());
            for (String sink : b.config.getList("canary.alert.sinks", List.of("logging"))) {
                metrics.sink(sink);
            }
            this.api = hasCallers(b.config) ? IssuanceApi.fromConfig(b.config, s).mounted().build() : null;
            CanaryService built = s;
            r = new Readiness(built::store, Readiness.credentialChecks(b.config), settings.readyCacheTime(), clock);
            CanaryHttpServer.Builder hb = CanaryHttpServer.builder().host(b.host).port(b.port)
                    .limits(ServerLimits.fromConfig(b.config)).stopTimeout(settings.shutdownTimeout())
                    .tls(TlsSettings.fromConfig(b.config))
                    .route(HealthAndMetrics.READINESS, HealthAndMetrics.readiness(r))
                    .route(HealthAndMetrics.METRICS, HealthAndMetrics.metrics(registry, settings.metricsToken(),
                            settings.metricsAnonymous()));
            if (api != null) {
                hb.route("/v1/", api.handler());
                // the web console: the API's admin callers log in with their token (see WebConsole)
                hb.route(WebConsole.PATH, WebConsole.builder().service(built).api(api).detectorRuns(runs)
                        .clock(clock).quotas(this::quotas).build().handler());
            }
            this.http = hb.build();
        } catch (RuntimeException e) {
            if (r != null) {
                r.close();
            }
            if (s != null) {
                s.close();
            }
            registry.close();
            throw e;
        }
        this.service = s;
        this.readiness = r;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Map<Loop, Runnable> tasks = new EnumMap<>(Loop.class);
        tasks.put(Loop.DETECT, this::detect);
        tasks.put(Loop.ALERT_RETRY, this::retryAlerts);
        tasks.put(Loop.ROTATE, this::rotate);
        tasks.put(Loop.EXPIRE, this::expire);
        tasks.put(Loop.RECOVER, this::recover);
        tasks.put(Loop.RECONCILE, this::reconcile);
        tasks.put(Loop.ONBOARD, this::onboard);
        tasks.put(Loop.PURGE, this::purge);
        tasks.put(Loop.METRICS, this::refreshGauges);
        for (Loop l : Loop.values()) {
            loops.put(l, new ServerLoop(l.key, settings.interval(l), l.leased,
                    Objects.requireNonNull(tasks.get(l), l.key), leases, clock)); // every loop has its task above
        }
        AtomicInteger n = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(Loop.values().length + 1, runnable -> {
            Thread t = new Thread(runnable, "canary-loop-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * A server configured from {@code config}: the service ({@code canary.store}, {@code canary.issuers}, ...), the
     * API ({@code canary.api.*}; served only when at least one caller is configured) and the server itself
     * ({@code canary.server.*}: loops, leases, metrics, shutdown; see the README).
     */
    public static Builder fromConfig(CanaryConfig config) {
        return new Builder(config);
    }

    private static boolean hasCallers(CanaryConfig config) {
        return !config.withPrefix("canary.api.tokens.").isEmpty() || !config.withPrefix("canary.api.hmac-keys.").isEmpty()
                || !config.withPrefix("canary.api.caller.").isEmpty() || config.has("canary.api.authenticators");
    }

    /**
     * Starts listening and schedules the loops (each runs at once, then every interval).
     *
     * @return this
     * @throws CanaryConfigurationException if the address cannot be bound (the server is closed then)
     * @throws IllegalStateException        if it was started before
     */
    public CanaryServer start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the server was started already");
        }
        try {
            http.start();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        if (api != null && api.devices() != null) {
            staleChecks = api.devices().scheduleStaleChecks(); // canary.api.devices.stale-check-interval
        }
        long renew = leases.renewEvery().toMillis();
        scheduler.scheduleWithFixedDelay(leases::renewAll, renew, renew, TimeUnit.MILLISECONDS);
        List<String> on = new ArrayList<>();
        for (ServerLoop l : loops.values()) {
            if (l.interval().isZero()) {
                continue;
            }
            scheduler.scheduleWithFixedDelay(l::runOnce, 0, l.interval().toMillis(), TimeUnit.MILLISECONDS);
            on.add(l.name() + " every " + l.interval());
        }
        LOG.info("canary server {} listening on {}; loops: {}", settings.instanceId(), http.uri(), String.join(", ", on));
        return this;
    }

    /** The base URI, such as {@code http://127.0.0.1:8080}; valid once started. */
    public URI uri() {
        return http.uri();
    }

    /** This process's name in leases and claims ({@code canary.server.instance-id}). */
    public String instanceId() {
        return settings.instanceId();
    }

    /** The service the server runs. */
    public CanaryService service() {
        return service;
    }

    /** The issuance API, if callers are configured. */
    public Optional<IssuanceApi> api() {
        return Optional.ofNullable(api);
    }

    /** The metrics registry ({@code /metrics} serves it). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The placement profiles of the API (empty without one). */
    public Map<String, PlacementProfile> profiles() {
        return api == null ? Map.of() : api.profiles();
    }

    /** The leases this process holds now, by name ({@code loop:rotate}, {@code detector:cloudtrail-s3/...}). */
    public Map<String, Instant> heldLeases() {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (Map.Entry<String, Lease> e : leases.held().entrySet()) {
            out.put(e.getKey(), e.getValue().expiresAt());
        }
        return out;
    }

    /** The loops and their intervals ({@link Duration#ZERO}: off), by name. */
    public Map<String, Duration> loopIntervals() {
        Map<String, Duration> out = new LinkedHashMap<>();
        loops.values().forEach(l -> out.put(l.name(), l.interval()));
        return out;
    }

    /** Runs a loop once now (unless it is running or another process holds its lease); for tests and operators. */
    ServerLoop.Outcome runNow(Loop loop) {
        return Objects.requireNonNull(loops.get(loop), loop.key).runOnce(); // the constructor made every loop
    }

    /**
     * Stops gracefully (see the class comment); blocks until done. Idempotent, and safe from a shutdown hook: a second
     * caller waits for the first.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        LOG.info("canary server {} stopping", settings.instanceId());
        try {
            readiness.stopping();
            DeviceApi.StaleChecks checks = staleChecks;
            if (checks != null) {
                checks.close();
            }
            scheduler.shutdown(); // no loop starts again; the runs going on finish
            http.close(); // no new request; the ones in flight finish within the shutdown timeout
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!scheduler.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    LOG.warn("loops still running after {}; interrupting them (what they leave is recorded and"
                            + " finished by the recover loop)", settings.shutdownTimeout());
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                scheduler.shutdownNow();
            }
            service.detection().ifPresent(this::flushOnce);
            leases.releaseAll();
        } finally {
            readiness.close();
            service.close();
            registry.close();
            stopped.countDown();
            LOG.info("canary server {} stopped", settings.instanceId());
        }
    }

    private void flushOnce(DetectionEngine engine) {
        int waiting = engine.flushAlerts();
        if (waiting > 0) {
            LOG.warn("{} alert(s) could not be delivered before stopping; they stay in the spool and are sent at the"
                    + " next start", waiting);
        }
    }

    /** Waits until {@link #stop()} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------------------------------------ the loops

    private void detect() {
        LifecycleReport.Detect d = service.detect();
        runs.record(d.detection());
        d.detection().failures().forEach(f -> LOG.warn("detection: {}", f));
        d.failures().forEach(f -> LOG.warn("response: {}", f));
        if (!d.detection().alerts().isEmpty() || !d.revoked().isEmpty()) {
            LOG.info("detection: {} sighting(s) stored, {} alert(s), {} revoked, {} replaced", d.detection().stored(),
                    d.detection().alerts().size(), d.revoked().size(), d.replacements().size());
        }
    }

    private void retryAlerts() {
        service.detection().ifPresent(DetectionEngine::flushAlerts);
    }

    private void rotate() {
        LifecycleReport.Rotate r = service.rotate();
        r.failures().forEach(f -> LOG.warn("rotation: {}", f));
        if (!r.replaced().isEmpty() || !r.revoked().isEmpty()) {
            LOG.info("rotation: {} replaced, {} revoked after the grace period", r.replaced().size(), r.revoked().size());
        }
    }

    private void expire() {
        LifecycleReport.Expire r = service.expire();
        r.failures().forEach(f -> LOG.warn("expiry: {}", f));
    }

    private void recover() {
        var r = service.recover();
        r.problems().forEach(p -> LOG.warn("recovery: {}", p));
    }

    private void reconcile() {
        LifecycleReport.Reconcile r = service.reconcile(settings.reconcileFix());
        r.orphans().forEach(o -> LOG.warn("reconcile: {} exists in AWS but no live canary knows it",
                o.principal().arn()));
        r.missingPrincipals().forEach(c -> LOG.warn("reconcile: canary {} is live but its principal {} is gone", c.id(),
                c.principal().arn()));
        r.missingPlacements().forEach(c -> LOG.warn("reconcile: canary {} is live but its placement lost it", c.id()));
        r.fixed().forEach(f -> LOG.info("reconcile: {}", f));
        r.failures().forEach(f -> LOG.warn("reconcile: {}", f));
    }

    private void onboard() {
        ServerSettings.Onboard o = settings.onboard();
        if (o == null) {
            return;
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        AssetSource source = ProviderRegistry.load(AssetSourceProvider.class,
                cl != null ? cl : CanaryServer.class.getClassLoader()).create(o.source(), config);
        LifecycleReport.Onboard r = service.onboard(source, o.placement(), o.name());
        r.failures().forEach(f -> LOG.warn("onboarding: {}", f));
        if (!r.issued().isEmpty() || !r.revoked().isEmpty()) {
            LOG.info("onboarding {}: {} issued, {} revoked", o.name(), r.issued().size(), r.revoked().size());
        }
    }

    private void purge() {
        try {
            int n = service.store().purgeExpiredEntries(clock.instant());
            LOG.debug("purged {} expired store entries", n);
        } catch (UnsupportedOperationException e) {
            // the store keeps no entries
        }
    }

    private void refreshGauges() {
        List<CanaryRecord> live = service.listAll(CanaryQuery.live());
        metrics.liveCanaries(live);
        metrics.quotaHeadroom(headroom(live));
    }

    /** The account pool's quotas (the console's headroom), or none when the issuers are not an account pool. */
    private List<AccountQuota> quotas() {
        IssuerPool pool = service.issuance().pool();
        AccountPool accounts = pool instanceof OrganizationPool op ? op.accountPool()
                : pool instanceof AccountPool ap ? ap : null;
        return accounts == null ? List.of() : accounts.quotas();
    }

    /**
     * Room for long-term canaries per account: what the account pool computes (AWS's user count and quota) when there
     * is one, else the default IAM user quota less the live long-term canaries the store counts.
     */
    private Map<String, Long> headroom(List<CanaryRecord> live) {
        IssuerPool pool = service.issuance().pool();
        AccountPool accounts = pool instanceof OrganizationPool op ? op.accountPool()
                : pool instanceof AccountPool ap ? ap : null;
        Map<String, Long> out = new LinkedHashMap<>();
        if (accounts != null) {
            for (AccountQuota q : accounts.quotas()) {
                out.put(q.accountId(), Math.max(0, q.headroom()));
            }
            return out;
        }
        for (CanaryIssuer i : pool.issuers()) {
            if (i.kind().isLongTerm()) {
                out.put(i.accountId(), (long) AccountPool.DEFAULT_USERS_QUOTA);
            }
        }
        for (CanaryRecord r : live) {
            if (r.kind() == CredentialKind.IAM_USER && out.containsKey(r.accountId())) {
                out.merge(r.accountId(), -1L, Long::sum);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "CanaryServer[" + settings.instanceId() + "]";
    }

    /**
     * Builder for {@link CanaryServer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final CanaryConfig config;
        private String host = "127.0.0.1";
        private int port = 8080;
        private Clock clock = Clock.systemUTC();
        private Map<String, String> environment = System.getenv();

        private Builder(CanaryConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String v) {
            host = Objects.requireNonNull(v, "host");
            return this;
        }

        /** Port (default 8080; 0: any free port). */
        public Builder port(int v) {
            if (v < 0 || v > 65535) {
                throw new CanaryConfigurationException("port must be 0-65535, not " + v);
            }
            port = v;
            return this;
        }

        /** The clock of leases, readiness and metrics (default UTC system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The environment read for {@code CANARY_LOG_FORMAT} (default the process's). */
        public Builder environment(Map<String, String> v) {
            environment = Map.copyOf(v);
            return this;
        }

        /**
         * Builds the server (not started): opens the store, builds the service, the API and the loops.
         *
         * @throws CanaryConfigurationException naming the key that is wrong
         */
        public CanaryServer build() {
            return new CanaryServer(this);
        }
    }
}
