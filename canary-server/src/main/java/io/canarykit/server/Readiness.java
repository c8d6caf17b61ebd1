package io.canarykit.server;

import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Whether the server is ready to take work ({@code GET /health/ready}):
 * <ul>
 *   <li>{@code store}: the store answers a read of records and of conditional entries (what leases need), and a
 *       JDBC store's schema is at the version this server knows ({@link JdbcCanaryStore#latestSchemaVersion()});</li>
 *   <li>{@code credentials:<what>}: for every configured AWS issuer, issuer pool and detector, its credentials are
 *       <em>resolvable</em>: the provider its keys name ({@code profile}, {@code access-key-id}/{@code
 *       secret-access-key}, else the SDK's default chain: environment, web identity token, profile, container or
 *       instance endpoint) yields credentials within 5 seconds. No AWS API is called beyond what that resolution does
 *       itself (a web identity or container provider fetches its session), so nothing is changed and nothing is
 *       billed; whether AWS accepts the credentials shows in the loops' and the API's own calls;</li>
 *   <li>{@code stopping}: a graceful stop has begun (the answer turns to 503 at once, so load balancers drain).</li>
 * </ul>
 * An answer is reused for a short time ({@code canary.server.ready.cache-time}) so probes cost next to nothing. The
 * unauthenticated answer names each check and whether it passed, never why (that goes to the log, once per change):
 * paths, URLs and account ids stay out of an open endpoint.
 *
 * <p>Thread-safe.
 */
final class Readiness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    /** Issuer, pool and detector names built on AWS credentials from their own keys. */
    private static final Set<String> AWS_ISSUERS = Set.of("iam-user", "assume-role", "federation-token");
    private static final Set<String> AWS_DETECTORS = Set.of("cloudtrail-s3", "cloudtrail-sqs", "eventbridge-sqs",
            "cloudtrail-lookup", "access-key-last-used", "credential-report");

    /** One check's result: passed, or why not (for the log only). */
    record Check(boolean ok, @Nullable String detail) {
    }

    /** A readiness answer. */
    record Answer(boolean ready, Map<String, Check> checks, Instant at) {
    }

    private final Supplier<CanaryStore> store;
    private final Map<String, Supplier<AwsCredentialsProvider>> credentials;
    private final Duration cacheTime;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "canary-readiness");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private @Nullable Answer last;
    private Map<String, Boolean> lastLogged = Map.of();

    Readiness(Supplier<CanaryStore> store, Map<String, Supplier<AwsCredentialsProvider>> credentials,
              Duration cacheTime, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.credentials = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
        this.cacheTime = Objects.requireNonNull(cacheTime, "cacheTime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The credential checks the configuration calls for: {@code canary.pool.<name>.*} when a pool is configured, else
     * each of {@code canary.issuers}; each of {@code canary.detectors}. Only the built-in AWS components are checked
     * (their keys are known); other plugins check themselves.
     */
    static Map<String, Supplier<AwsCredentialsProvider>> credentialChecks(CanaryConfig config) {
        Map<String, Supplier<AwsCredentialsProvider>> out = new LinkedHashMap<>();
        String pool = config.getString("canary.pool");
        if (pool != null) {
            CanaryConfig c = config.scoped("canary.pool." + pool + ".");
            out.put("credentials:pool/" + pool, () -> AwsClients.credentials(c));
        } else {
            for (String name : config.getList("canary.issuers", List.of("iam-user"))) {
                if (AWS_ISSUERS.contains(name)) {
                    CanaryConfig c = config.scoped("canary.issuer." + name + ".");
                    out.put("credentials:issuer/" + name, () -> AwsClients.credentials(c));
                }
            }
        }
        for (String name : config.getList("canary.detectors")) {
            if (AWS_DETECTORS.contains(name)) {
                CanaryConfig c = config.scoped("canary.detector." + name + ".");
                out.put("credentials:detector/" + name, () -> AwsClients.credentials(c));
            }
        }
        return out;
    }

    /** From now on the server is not ready: it is stopping. */
    void stopping() {
        stopping = true;
    }

    /** The answer, checked now or reused if recent. */
    synchronized Answer check() {
        Instant now = clock.instant();
        if (stopping) {
            return new Answer(false, Map.of("stopping", new Check(false, "a graceful stop has begun")), now);
        }
        if (last != null && now.isBefore(last.at().plus(cacheTime))) {
            return last;
        }
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("store", timed(this::checkStore));
        for (Map.Entry<String, Supplier<AwsCredentialsProvider>> e : credentials.entrySet()) {
            checks.put(e.getKey(), timed(() -> resolve(e.getValue())));
        }
        boolean ready = checks.values().stream().allMatch(Check::ok);
        last = new Answer(ready, checks, now);
        logChanges(checks);
        return last;
    }

    private Check checkStore() {
        CanaryStore s = store.get();
        if (s == null) {
            return new Check(false, "the store is not open yet");
        }
        if (s instanceof JdbcCanaryStore jdbc) {
            int version = jdbc.schemaVersion();
            int latest = JdbcCanaryStore.latestSchemaVersion();
            if (version < latest) {
                return new Check(false, "the database schema is at version " + version + ", this server needs "
                        + latest + ": it is migrated at start (canary.store.jdbc.migrate) or by your migration tool");
            }
        }
        s.list(CanaryQuery.all().limit(1));
        try {
            s.entry("health:ready");
        } catch (UnsupportedOperationException e) {
            // a store without conditional entries serves one process; that is said at start
        }
        return new Check(true, null);
    }

    private static Check resolve(Supplier<AwsCredentialsProvider> provider) {
        provider.get().resolveCredentials(); // the credentials themselves are dropped at once, never logged
        return new Check(true, null);
    }

    private Check timed(Supplier<Check> check) {
        Future<Check> f = worker.submit(check::get);
        try {
            return f.get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Check(false, "no answer within " + CHECK_TIMEOUT);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return new Check(false, c.getClass().getSimpleName() + ": " + c.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(false, "interrupted");
        }
    }

    private void logChanges(Map<String, Check> checks) {
        Map<String, Boolean> now = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            now.put(e.getKey(), e.getValue().ok());
            Boolean before = lastLogged.get(e.getKey());
            if (before == null ? !e.getValue().ok() : before != e.getValue().ok()) {
                changed.add(e.getKey() + (e.getValue().ok() ? " passes again" : " fails: " + e.getValue().detail()));
            }
        }
        lastLogged = now;
        for (String c : changed) {
            if (c.contains(" fails: ")) {
                LOG.warn("not ready: {}", c);
            } else {
                LOG.info("readiness: {}", c);
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
