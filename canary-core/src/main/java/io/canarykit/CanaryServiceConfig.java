package io.canarykit;

import io.canarykit.alert.AlertRoute;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.AlertSinkProvider;
import io.canarykit.alert.SuppressionRule;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ComponentProvider;
import io.canarykit.config.ConfigCheck;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigSection;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;
import io.canarykit.detect.PartitionGate;
import io.canarykit.metrics.MetricsListener;
import io.canarykit.fingerprint.FingerprintGate;
import io.canarykit.inventory.AssetSourceProvider;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.CanaryIssuerProvider;
import io.canarykit.issue.IssuerPool;
import io.canarykit.issue.IssuerPoolProvider;
import io.canarykit.naming.IdentityNamer;
import io.canarykit.naming.IdentityNamerProvider;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import io.canarykit.policy.PolicyHardener;
import io.canarykit.policy.PolicyHardenerProvider;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys {@link CanaryService#fromConfig} reads besides its providers' own, and the {@link ConfigSection} that
 * declares them (with the plug-in points whose providers read {@code canary.<point>.<name>.*}). All are optional; the
 * defaults run on an in-memory store with the {@code iam-user} issuer:
 *
 * <table>
 *   <caption>Configuration keys</caption>
 *   <tr><td>{@code canary.store}</td><td>store provider: {@code in-memory} (default), {@code jdbc}, {@code dynamodb};
 *       the store reads {@code canary.store.<name>.*}</td></tr>
 *   <tr><td>{@code canary.issuers}</td><td>issuer providers, comma-separated (default {@code iam-user}); each reads
 *       {@code canary.issuer.<name>.*} (region, endpoint, profile, account-id, ...)</td></tr>
 *   <tr><td>{@code canary.pool}</td><td>an issuer pool provider that builds the issuers of many accounts, such as
 *       {@code organization} (canary-aws; reads {@code canary.pool.organization.*}); default: the issuers of
 *       {@code canary.issuers} in one simple pool</td></tr>
 *   <tr><td>{@code canary.kind}</td><td>the kind {@code issue} makes by default (default: the first issuer's)</td></tr>
 *   <tr><td>{@code canary.namer}</td><td>{@code plausible} (default), {@code opaque}, {@code hmac}, {@code template};
 *       reads {@code canary.namer.<name>.*}</td></tr>
 *   <tr><td>{@code canary.hardener}</td><td>{@code deny-all} (default); reads {@code canary.hardener.<name>.*}</td></tr>
 *   <tr><td>{@code canary.fingerprint.*}</td><td>the fingerprint gate: {@code mode} (off, warn, refuse),
 *       {@code threshold}, {@code organisation-accounts}, ...</td></tr>
 *   <tr><td>{@code canary.detectors}</td><td>detector providers, comma-separated (default none); each reads
 *       {@code canary.detector.<name>.*}</td></tr>
 *   <tr><td>{@code canary.alert.route.<rule>.*}</td><td>routing rules ({@code asset-kind}, {@code label.<name>},
 *       {@code canary-kind}, {@code classification}, {@code sinks}; see {@link AlertRoute}) and
 *       {@code canary.alert.default-sinks} for alerts no rule matches (default: every sink)</td><td></td></tr>
 *   <tr><td>{@code canary.alert.suppress.<rule>.*}</td><td>suppression rules ({@code event-name},
 *       {@code source-cidr}, {@code user-agent}, {@code reason}; see {@link SuppressionRule});
 *       suppressed sightings go in the digest every {@code canary.alert.digest.interval} (default 1d) to
 *       {@code canary.alert.digest.sinks} (default: every sink that takes digests)</td><td></td></tr>
 *   <tr><td>{@code canary.alert.sinks}</td><td>alert sinks, comma-separated (default {@code logging}); each reads
 *       {@code canary.alert.<name>.*}</td></tr>
 *   <tr><td>{@code canary.detect.follow-up-window}</td><td>later sightings within it are aggregated (default 15m)</td></tr>
 *   <tr><td>{@code canary.response}</td><td>{@code alert}, {@code revoke}, {@code revoke-and-reissue} (default)</td></tr>
 *   <tr><td>{@code canary.session-duration}, {@code canary.rotate.max-age}, {@code canary.rotate.grace-period},
 *       {@code canary.rotate.renew-before-expiry}, {@code canary.issuance.minimum-age}</td><td>durations</td></tr>
 *   <tr><td>{@code canary.placement.<name>.*}</td><td>placement settings: each placement reads the keys under
 *       {@code canary.placement.<name>.} (such as {@code canary.placement.aws-credentials-file.follow-symlinks})</td></tr>
 * </table>
 *
 * <p>Stateless; public only so that {@link java.util.ServiceLoader} can make it.
 *
 * @since 0.1.0
 */
public final class CanaryServiceConfig implements ConfigSection {
    /** Every key of the table above, declared. */
    public static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.provider("canary.store", CanaryStoreProvider.class, "the store").withDefault("in-memory"),
            ConfigKey.providers("canary.issuers", CanaryIssuerProvider.class, "the issuers, comma-separated")
                    .withDefault("iam-user"),
            ConfigKey.oneOf("canary.kind", "the kind canary issue makes by default (default: the first issuer's)",
                    "iam-user", "assume-role", "federation-token", "iam_user", "assumed_role", "federation_token"),
            ConfigKey.provider("canary.namer", IdentityNamerProvider.class, "how canary principals are named")
                    .withDefault("plausible"),
            ConfigKey.provider("canary.hardener", PolicyHardenerProvider.class, "what denies canaries everything")
                    .withDefault("deny-all"),
            ConfigKey.oneOf("canary.fingerprint.mode", "what the fingerprint gate does with a canary that gives itself"
                    + " away", "off", "warn", "refuse").withDefault("refuse"),
            ConfigKey.oneOf("canary.fingerprint.threshold", "the verdict the gate acts on", "suspicious",
                    "fingerprinted").withDefault("fingerprinted"),
            ConfigKey.list("canary.fingerprint.organisation-accounts", "your organisation's account ids"),
            ConfigKey.path("canary.fingerprint.organisation-accounts-file", "a file of your organisation's account ids"),
            ConfigKey.path("canary.fingerprint.known-accounts-file", "more known canary-vendor accounts, one per line"),
            ConfigKey.duration("canary.issuance.minimum-age", "how old a pending intent must be before recovery"
                    + " touches it").withDefault("5m"),
            ConfigKey.duration("canary.session-duration", "the lifetime of short-term canaries").withDefault("12h"),
            ConfigKey.duration("canary.rotate.max-age", "age after which canary rotate replaces a canary")
                    .withDefault("90d"),
            ConfigKey.duration("canary.rotate.grace-period", "how long a rotated canary stays valid").withDefault("1h"),
            ConfigKey.duration("canary.rotate.renew-before-expiry", "how long before expiry short-term canaries are"
                    + " replaced").withDefault("30m"),
            ConfigKey.map("canary.tags", "tags put on every principal, k1=v1,k2=v2"),
            ConfigKey.oneOf("canary.response", "what a trigger does besides alerting", "alert", "revoke",
                    "revoke-and-reissue").withDefault("revoke-and-reissue"),
            ConfigKey.providers("canary.detectors", DetectorProvider.class, "the detectors, comma-separated"),
            ConfigKey.duration("canary.detect.follow-up-window", "later sightings of a canary within it are"
                    + " aggregated").withDefault("15m"),
            ConfigKey.duration("canary.detect.alert-claim-timeout", "how long an alert claimed by a copy that died"
                    + " waits before another copy sends it").withDefault("10m"),
            ConfigKey.providers("canary.alert.sinks", AlertSinkProvider.class, "the alert sinks, comma-separated")
                    .withDefault("logging"),
            ConfigKey.provider("canary.pool", IssuerPoolProvider.class, "an issuer pool that builds the issuers of"
                    + " many accounts, such as organization (default: the issuers of canary.issuers)"),
            ConfigKey.list("canary.alert.route.<rule>.asset-kind", "the rule matches alerts on these asset kinds"),
            ConfigKey.list("canary.alert.route.<rule>.label.<label>", "the rule matches assets whose label has one of"
                    + " these values"),
            ConfigKey.list("canary.alert.route.<rule>.canary-kind", "the rule matches these canary kinds"),
            ConfigKey.list("canary.alert.route.<rule>.classification", "the rule matches these sighting"
                    + " classifications"),
            ConfigKey.list("canary.alert.route.<rule>.sinks", "the sinks the rule's alerts go to"),
            ConfigKey.list("canary.alert.default-sinks", "the sinks of alerts no rule matches (default: every sink)"),
            ConfigKey.list("canary.alert.suppress.<rule>.event-name", "the rule suppresses these API calls"),
            ConfigKey.list("canary.alert.suppress.<rule>.source-cidr", "the rule suppresses calls from these"
                    + " networks"),
            ConfigKey.list("canary.alert.suppress.<rule>.user-agent", "the rule suppresses these user agents"),
            ConfigKey.string("canary.alert.suppress.<rule>.reason", "why (shown in the digest)"),
            ConfigKey.duration("canary.alert.digest.interval", "how often suppressed sightings are sent as a digest")
                    .withDefault("1d"),
            ConfigKey.list("canary.alert.digest.sinks", "the sinks the digest goes to (default: every sink that"
                    + " takes digests)"));

    /** For {@link java.util.ServiceLoader}. */
    public CanaryServiceConfig() {
    }

    @Override
    public ConfigKeys keys() {
        return KEYS;
    }

    @Override
    public List<Class<? extends ComponentProvider<?>>> plugInPoints() {
        return List.of(CanaryStoreProvider.class, CanaryIssuerProvider.class, IdentityNamerProvider.class,
                PolicyHardenerProvider.class, PlacementProvider.class, DetectorProvider.class, AlertSinkProvider.class,
                AssetSourceProvider.class, IssuerPoolProvider.class);
    }

    static CanaryService build(CanaryConfig whole, ClassLoader loader, MetricsListener metrics, PartitionGate partitions) {
        ConfigCheck.load(loader).requireKnownKeys(whole);
        CanaryConfig config = whole.declaring(KEYS);
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            CanaryStore store = ProviderRegistry.load(CanaryStoreProvider.class, loader)
                    .resolve(null, config, "canary.store", "in-memory");
            owned.add(store);

            AtomicIssuance.Builder ib = AtomicIssuance.builder()
                    .store(store)
                    .fingerprintGate(FingerprintGate.fromConfig(config.scoped("canary.")))
                    .minimumAge(config.getDuration("canary.issuance.minimum-age", AtomicIssuance.DEFAULT_MINIMUM_AGE));
            String poolName = config.getString("canary.pool");
            List<CanaryIssuer> issuers;
            if (poolName != null) {
                IssuerPool pool = ProviderRegistry.load(IssuerPoolProvider.class, loader).provider(poolName)
                        .create(config, store);
                if (pool instanceof AutoCloseable closeable) {
                    owned.add(closeable);
                }
                ib.pool(pool);
                issuers = pool.issuers();
            } else {
                ProviderRegistry<CanaryIssuer, CanaryIssuerProvider> issuerRegistry =
                        ProviderRegistry.load(CanaryIssuerProvider.class, loader);
                issuers = new ArrayList<>();
                for (String name : config.getList("canary.issuers", List.of("iam-user"))) {
                    issuers.add(issuerRegistry.create(name, config));
                }
                ib.issuers(issuers.toArray(new CanaryIssuer[0]));
            }
            if (issuers.isEmpty()) {
                throw new CanaryConfigurationException("canary.issuers is empty: name at least one issuer, such as iam-user");
            }
            AtomicIssuance issuance = ib.build();

            IdentityNamer namer = ProviderRegistry.load(IdentityNamerProvider.class, loader)
                    .resolve(null, config, "canary.namer", "plausible");
            PolicyHardener hardener = ProviderRegistry.load(PolicyHardenerProvider.class, loader)
                    .resolve(null, config, "canary.hardener", "deny-all");

            ProviderRegistry<Placement, PlacementProvider> placementRegistry =
                    ProviderRegistry.load(PlacementProvider.class, loader);
            Map<String, Placement> placements = new ConcurrentHashMap<>();

            CanaryService.Builder b = CanaryService.builder()
                    .metrics(metrics)
                    .store(store)
                    .issuance(issuance)
                    .namer(namer)
                    .hardener(hardener)
                    .placements(name -> placements.computeIfAbsent(name, n -> placementRegistry.create(n, config)))
                    .defaultKind(CredentialKind.fromConfigName(config.getString("canary.kind", issuers.get(0).kind().configName())))
                    .responsePolicy(ResponsePolicy.fromConfigName(config.getString("canary.response", "revoke-and-reissue")))
                    .sessionDuration(config.getDuration("canary.session-duration", Duration.ofHours(12)))
                    .maxAge(config.getDuration("canary.rotate.max-age", Duration.ofDays(90)))
                    .gracePeriod(config.getDuration("canary.rotate.grace-period", Duration.ofHours(1)))
                    .renewBeforeExpiry(config.getDuration("canary.rotate.renew-before-expiry", Duration.ofMinutes(30)))
                    .tags(config.getMap("canary.tags"));

            List<String> detectorNames = config.getList("canary.detectors");
            List<String> sinkNames = config.getList("canary.alert.sinks", List.of("logging"));
            ProviderRegistry<Detector, DetectorProvider> detectorRegistry = ProviderRegistry.load(DetectorProvider.class, loader);
            List<Detector> detectors = new ArrayList<>();
            for (String name : detectorNames) {
                detectors.add(detectorRegistry.create(name, config));
            }
            ProviderRegistry<AlertSink, AlertSinkProvider> sinkRegistry = ProviderRegistry.load(AlertSinkProvider.class, loader);
            DetectionEngine.Builder engine = DetectionEngine.builder().store(store).detectors(detectors)
                    .metrics(metrics).partitionGate(partitions)
                    .alertClaimTimeout(config.getDuration("canary.detect.alert-claim-timeout", Duration.ofMinutes(10)))
                    .followUpWindow(config.getDuration("canary.detect.follow-up-window", Duration.ofMinutes(15)));
            for (String name : sinkNames) {
                AlertSink sink = sinkRegistry.create(name, config);
                engine.alertSink(name, sink);
                owned.add(sink);
            }
            AlertRoute.fromConfig(config).forEach(engine::route);
            if (config.has("canary.alert.default-sinks")) {
                engine.defaultSinks(config.getList("canary.alert.default-sinks"));
            }
            SuppressionRule.fromConfig(config).forEach(engine::suppress);
            engine.digestInterval(config.getDuration("canary.alert.digest.interval", Duration.ofDays(1)));
            if (config.has("canary.alert.digest.sinks")) {
                engine.digestSinks(config.getList("canary.alert.digest.sinks"));
            }
            b.detection(engine.build());
            b.closeWithService(() -> placements.values().forEach(Placement::close));
            owned.forEach(b::closeWithService);
            return b.build();
        } catch (RuntimeException e) {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
