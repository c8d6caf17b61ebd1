package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

import java.time.Duration;
import java.util.Set;

/**
 * Provider {@code container-credentials}: {@link ContainerCredentialsPlacement}. Settings ({@code
 * canary.placement.container-credentials.*}, optional): {@code host} ({@code 127.0.0.1}), {@code port} (0: free),
 * {@code refresh-before} ({@code 5m}), and the file settings of {@link PlacementFiles.Builder#configure} (for the
 * token file).
 */
public final class ContainerCredentialsPlacementProvider implements PlacementProvider {
    static final Set<String> SETTINGS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS, "host", "port",
            "refresh-before");

    @Override
    public String name() {
        return ContainerCredentialsPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, SETTINGS);
        return ContainerCredentialsPlacement.builder()
                .host(s.getString("host", "127.0.0.1"))
                .port(s.getInt("port", 0))
                .refreshBefore(s.getDuration("refresh-before", Duration.ofMinutes(5)))
                .files(PlacementFiles.builder().configure(s).build())
                .build();
    }
}
