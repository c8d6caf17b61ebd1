package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

import java.time.Duration;

/**
 * Provider {@code imds}: {@link ImdsPlacement}. Configuration (all optional): {@code host} ({@code 127.0.0.1}),
 * {@code port} (0: free), {@code allowImdsV1} ({@code false}), {@code extendedApi} ({@code true}), {@code instanceId},
 * {@code region} ({@code us-east-1}), {@code availabilityZone}, {@code refreshBefore} ({@code 5m}). A refresher can only
 * be given through {@link ImdsPlacement#builder()}.
 */
public final class ImdsPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return ImdsPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return ImdsPlacement.builder()
                .host(config.getString("host", "127.0.0.1"))
                .port(config.getInt("port", 0))
                .allowImdsV1(config.getBoolean("allowImdsV1", false))
                .extendedApi(config.getBoolean("extendedApi", true))
                .instanceId(config.getString("instanceId"))
                .region(config.getString("region", "us-east-1"))
                .availabilityZone(config.getString("availabilityZone"))
                .refreshBefore(config.getDuration("refreshBefore", Duration.ofMinutes(5)))
                .build();
    }
}
