package io.canarykit.placement.endpoint;

import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.time.Duration;
import java.util.Set;

/**
 * Provider {@code imds}: {@link ImdsPlacement}. Settings ({@code canary.placement.imds.*}, all optional): {@code host}
 * ({@code 127.0.0.1}), {@code port} (0: free), {@code allow-imds-v1} ({@code false}), {@code extended-api}
 * ({@code true}), {@code instance-id}, {@code region} ({@code us-east-1}), {@code availability-zone},
 * {@code refresh-before} ({@code 5m}). A refresher can only be given through {@link ImdsPlacement#builder()}.
 *
 * @since 0.1.0
 */
public final class ImdsPlacementProvider implements PlacementProvider {
    static final Set<String> SETTINGS = Set.of("host", "port", "allow-imds-v1", "extended-api", "instance-id", "region",
            "availability-zone", "refresh-before");

    @Override
    public String name() {
        return ImdsPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, SETTINGS);
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
