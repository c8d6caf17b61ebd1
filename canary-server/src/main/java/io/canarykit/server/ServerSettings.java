package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementSpec;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What {@code canary.server.*} configures: the loops and their intervals, leases, readiness, metrics, shutdown and
 * log format. Unknown keys under {@code canary.server.} are refused with the closest known one.
 *
 * @param instanceId       this process's name in leases and claims ({@code instance-id}; default host-pid-random)
 * @param loops            each loop's interval ({@link Duration#ZERO}: off), by loop
 * @param reconcileFix     whether the reconcile loop fixes what it finds ({@code reconcile.fix}, default false)
 * @param onboard          the inventory the onboard loop reads, or {@code null} when it is off
 * @param leaseDuration    how long a lease lasts unless renewed ({@code lease-duration}, default 2m; renewed at a
 *                         third of it)
 * @param shutdownTimeout  how long a graceful stop waits for requests and passes in flight ({@code shutdown-timeout},
 *                         default 30s)
 * @param readyCacheTime   how long a readiness answer is reused ({@code ready.cache-time}, default 10s)
 * @param metricsToken     the bearer token {@code /metrics} wants, or {@code null}
 * @param metricsAnonymous true if {@code /metrics} answers without a token ({@code metrics.anonymous}, default false)
 * @param logFormat        {@code text} or {@code json} ({@code log-format}, else {@code CANARY_LOG_FORMAT})
 */
record ServerSettings(String instanceId, Map<Loop, Duration> loops, boolean reconcileFix, @Nullable Onboard onboard,
                      Duration leaseDuration, Duration shutdownTimeout, Duration readyCacheTime, @Nullable Secret metricsToken,
                      boolean metricsAnonymous, String logFormat) {

    /** The server's loops, each with its own interval key {@code canary.server.<name>.interval}. */
    enum Loop {
        /** Detection passes: detectors (by lease), sightings, alerts, the response policy. */
        DETECT("detect", Duration.ofMinutes(1), false),
        /** Retries of undelivered alerts (each sink's spool). */
        ALERT_RETRY("alert-retry", Duration.ofSeconds(30), false),
        /** Replacing canaries past their age, revoking rotated ones after the grace period. */
        ROTATE("rotate", Duration.ofHours(1), true),
        /** Closing expired short-term canaries. */
        EXPIRE("expire", Duration.ofMinutes(5), true),
        /** Finishing issuances and revocations a crashed process left (recorded intents). */
        RECOVER("recover", Duration.ofMinutes(5), true),
        /** Comparing AWS, placements and the store (report only unless {@code reconcile.fix}). */
        RECONCILE("reconcile", Duration.ofHours(6), true),
        /** Onboarding the inventory (only with {@code onboard.inventory}). */
        ONBOARD("onboard", Duration.ofHours(1), true),
        /** Purging expired store entries (used signatures, leases and claims of the past). */
        PURGE("purge", Duration.ofMinutes(10), true),
        /** Refreshing the gauges read from the store and the accounts (live canaries, quota headroom). */
        METRICS("metrics", Duration.ofMinutes(1), false);

        final String key;
        final Duration defaultInterval;
        final boolean leased;

        Loop(String key, Duration defaultInterval, boolean leased) {
            this.key = key;
            this.defaultInterval = defaultInterval;
            this.leased = leased;
        }
    }

    /**
     * The onboard loop's inventory.
     *
     * @param source    the asset source provider ({@code onboard.inventory}, such as {@code csv}; it reads
     *                  {@code canary.inventory.<name>.*})
     * @param name      the inventory's name in the records ({@code onboard.name}, default the source's name)
     * @param placement where assets without a placement of their own get their canary ({@code onboard.placement},
     *                  default aws-credentials-file, with {@code onboard.option.<key>})
     */
    record Onboard(String source, String name, PlacementSpec placement) {
    }

    static final String PREFIX = "canary.server.";
    /** The environment variable that asks for JSON logs when {@code canary.server.log-format} is not set. */
    static final String LOG_FORMAT_VARIABLE = "CANARY_LOG_FORMAT";

    ServerSettings {
        Objects.requireNonNull(instanceId, "instanceId");
        loops = Map.copyOf(loops);
    }

    /** The interval of {@code loop}, {@link Duration#ZERO} when it is off. */
    Duration interval(Loop loop) {
        return loops.getOrDefault(loop, Duration.ZERO);
    }

    /** Defaults: every loop at its default interval (onboarding off), no metrics token. */
    static ServerSettings defaults() {
        return fromConfig(CanaryConfig.empty(), Map.of());
    }

    /**
     * Reads {@code canary.server.*}.
     *
     * @param env the environment ({@value #LOG_FORMAT_VARIABLE})
     * @throws CanaryConfigurationException naming the key that is wrong, or an unknown key with the closest known one
     */
    static ServerSettings fromConfig(CanaryConfig config, Map<String, String> env) {
        checkKeys(config);
        Map<Loop, Duration> loops = new LinkedHashMap<>();
        for (Loop l : Loop.values()) {
            String key = PREFIX + l.key + ".interval";
            Duration d = interval(config, key, l.defaultInterval);
            loops.put(l, d);
        }
        Onboard onboard = null;
        String source = config.getString(PREFIX + "onboard.inventory");
        if (source != null) {
            onboard = new Onboard(source, config.getString(PREFIX + "onboard.name", source),
                    PlacementSpec.of(config.getString(PREFIX + "onboard.placement", "aws-credentials-file"),
                            config.withPrefix(PREFIX + "onboard.option.")));
        } else {
            loops.put(Loop.ONBOARD, Duration.ZERO);
        }
        Duration lease = config.getDuration(PREFIX + "lease-duration", Duration.ofMinutes(2));
        if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new CanaryConfigurationException(PREFIX + "lease-duration must be at least 3s (it is renewed at a"
                    + " third of it), was " + lease);
        }
        Duration shutdown = config.getDuration(PREFIX + "shutdown-timeout", Duration.ofSeconds(30));
        if (shutdown.isNegative()) {
            throw new CanaryConfigurationException(PREFIX + "shutdown-timeout must not be negative");
        }
        Secret token = config.getSecret(PREFIX + "metrics.token");
        if (token != null && token.length() < 16) {
            throw new CanaryConfigurationException(PREFIX + "metrics.token must have at least 16 characters");
        }
        String format = config.getString(PREFIX + "log-format");
        if (format == null) {
            String fromEnv = env.get(LOG_FORMAT_VARIABLE);
            format = fromEnv == null || fromEnv.isBlank() ? "text" : fromEnv.trim().toLowerCase(Locale.ROOT);
            if (!format.equals("text") && !format.equals("json")) {
                throw new CanaryConfigurationException(LOG_FORMAT_VARIABLE + " must be text or json, was '"
                        + Objects.requireNonNull(fromEnv, LOG_FORMAT_VARIABLE).trim() + "'"); // not text: it was set
            }
        } else {
            format = config.getEnum(PREFIX + "log-format", "text", "text", "json");
        }
        return new ServerSettings(config.getString(PREFIX + "instance-id", defaultInstanceId()), loops,
                config.getBoolean(PREFIX + "reconcile.fix", false), onboard, lease, shutdown,
                config.getDuration(PREFIX + "ready.cache-time", Duration.ofSeconds(10)), token,
                config.getBoolean(PREFIX + "metrics.anonymous", false), format);
    }

    /** {@code off}, {@code 0} or a positive duration. */
    private static Duration interval(CanaryConfig config, String key, Duration defaultValue) {
        String raw = config.getString(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw.trim().equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        Duration d = Objects.requireNonNull(config.getDuration(key), key); // the key is set: raw is not null
        if (d.isNegative()) {
            throw new CanaryConfigurationException(key + " must be a positive duration such as 5m, or off; was " + raw);
        }
        return d;
    }

    /** Refuses keys under {@code canary.server.} that {@link ServerConfigSection} does not declare. */
    private static void checkKeys(CanaryConfig config) {
        Set<String> unknown = new TreeSet<>();
        for (String k : config.withPrefix(PREFIX).keySet()) {
            if (ServerConfigSection.KEYS.find(PREFIX + k) == null) {
                unknown.add(PREFIX + k);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            String closest = ServerConfigSection.KEYS.closest(first);
            throw new CanaryConfigurationException("unknown configuration key " + first
                    + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more)" : "")
                    + (closest == null ? "" : "; did you mean " + closest + "?") + " (see the README's configuration"
                    + " reference for every canary.server key)");
        }
    }

    /** {@code host-pid-random}: unique per process, readable in a lease. */
    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "host";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "");
        if (host.length() > 60) {
            host = host.substring(0, 60);
        }
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        long pid = ProcessHandle.current().pid();
        return (host.isEmpty() ? "host" : host) + "-" + pid + "-" + HexFormat.of().formatHex(r);
    }

    @Override
    public String toString() {
        return "ServerSettings[" + instanceId + ", loops " + loops + ", lease " + leaseDuration + ", metrics token "
                + (metricsToken == null ? "none" : Secret.MASK) + "]";
    }
}
