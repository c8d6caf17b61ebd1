package io.canarykit.server;

import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigSection;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys the server reads ({@code canary.server.*}: {@link ServerSettings}), declared so that
 * {@code canary config check} and {@code CanaryService.fromConfig} know them. Stateless; public only so that
 * {@link java.util.ServiceLoader} can make it.
 *
 * @since 0.1.0
 */
public final class ServerConfigSection implements ConfigSection {
    static final ConfigKeys KEYS = declare();

    /** For {@link java.util.ServiceLoader}. */
    public ServerConfigSection() {
    }

    @Override
    public ConfigKeys keys() {
        return KEYS;
    }

    private static ConfigKeys declare() {
        List<ConfigKey> k = new ArrayList<>();
        for (ServerSettings.Loop l : ServerSettings.Loop.values()) {
            k.add(ConfigKey.string(ServerSettings.PREFIX + l.key + ".interval", "how often the " + l.key
                    + " loop runs (a duration, or off)").withDefault(shortly(l.defaultInterval)));
        }
        k.add(ConfigKey.string("canary.server.instance-id", "this copy's name in leases and logs (default: host, pid"
                + " and a random suffix)"));
        k.add(ConfigKey.bool("canary.server.reconcile.fix", "whether the reconcile loop repairs what it finds")
                .withDefault("false"));
        k.add(ConfigKey.string("canary.server.onboard.inventory", "the inventory (asset source) the onboard loop"
                + " reads"));
        k.add(ConfigKey.string("canary.server.onboard.name", "the name of that inventory (default: the source)"));
        k.add(ConfigKey.string("canary.server.onboard.placement", "the placement onboarded assets get")
                .withDefault("aws-credentials-file"));
        k.add(ConfigKey.string("canary.server.onboard.option.<option>", "an option of that placement"));
        k.add(ConfigKey.duration("canary.server.lease-duration", "how long a loop's lease lasts (renewed at a third)")
                .withDefault("2m"));
        k.add(ConfigKey.duration("canary.server.shutdown-timeout", "how long a graceful stop waits for work in"
                + " flight").withDefault("30s"));
        k.add(ConfigKey.duration("canary.server.ready.cache-time", "how long a readiness answer is reused")
                .withDefault("10s"));
        k.add(ConfigKey.string("canary.server.metrics.token", "the bearer token /metrics wants (16 characters or"
                + " more)").asSecret());
        k.add(ConfigKey.bool("canary.server.metrics.anonymous", "serve /metrics without a token")
                .withDefault("false"));
        k.add(ConfigKey.oneOf("canary.server.log-format", "text or JSON log lines (also CANARY_LOG_FORMAT)", "text",
                "json").withDefault("text"));
        return ConfigKeys.of(k);
    }

    private static String shortly(java.time.Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
