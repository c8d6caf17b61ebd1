package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

import java.time.Duration;

/**
 * Provider {@code container-credentials}: {@link ContainerCredentialsPlacement}. Configuration (optional):
 * {@code host} ({@code 127.0.0.1}), {@code port} (0: free), {@code refreshBefore} ({@code 5m}), {@code followSymlinks}
 * (for the token file).
 */
public final class ContainerCredentialsPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return ContainerCredentialsPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return ContainerCredentialsPlacement.builder()
                .host(config.getString("host", "127.0.0.1"))
                .port(config.getInt("port", 0))
                .refreshBefore(config.getDuration("refreshBefore", Duration.ofMinutes(5)))
                .files(PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build())
                .build();
    }
}
