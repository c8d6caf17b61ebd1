package io.canarykit.placement.endpoint;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigKey;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.time.Duration;

/**
 * Provider {@code imds}: {@link ImdsPlacement}. Settings ({@code canary.placement.imds.*}, all optional): {@code host}
 * ({@code 127.0.0.1}), {@code port} (0: free), {@code allow-imds-v1} ({@code false}), {@code extended-api}
 * ({@code true}), {@code instance-id}, {@code region} ({@code us-east-1}), {@code availability-zone},
 * {@code refresh-before} ({@code 5m}). A refresher can only be given through {@link ImdsPlacement#builder()}.
 *
 * @since 0.1.0
 */
public final class ImdsPlacementProvider implements PlacementProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("host", "the address the endpoint listens on").withDefault("127.0.0.1"),
            ConfigKey.integer("port", "the port it listens on (0: a free one)").withDefault("0"),
            ConfigKey.bool("allow-imds-v1", "answer IMDSv1 requests without a session token").withDefault("false"),
            ConfigKey.bool("extended-api", "serve the instance metadata tools read besides credentials")
                    .withDefault("true"),
            ConfigKey.string("instance-id", "the instance id served (default: a plausible random one)"),
            ConfigKey.string("region", "the region served").withDefault("us-east-1"),
            ConfigKey.string("availability-zone", "the availability zone served (default: in the region)"),
            ConfigKey.duration("refresh-before", "how long before expiry the credential is refreshed")
                    .withDefault("5m"));


    @Override
    public String name() {
        return ImdsPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, KEYS);
        return ImdsPlacement.builder()
                .host(s.getString("host", "127.0.0.1"))
                .port(s.getInt("port", 0))
                .allowImdsV1(s.getBoolean("allow-imds-v1", false))
                .extendedApi(s.getBoolean("extended-api", true))
                .instanceId(s.getString("instance-id"))
                .region(s.getString("region", "us-east-1"))
                .availabilityZone(s.getString("availability-zone"))
                .refreshBefore(s.getDuration("refresh-before", Duration.ofMinutes(5)))
                .build();
    }
}
