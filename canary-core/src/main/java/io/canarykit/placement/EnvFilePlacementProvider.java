package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code env}: {@link EnvFilePlacement}. Settings ({@code canary.placement.env.*}, optional): the file settings
 * of {@link PlacementFiles.Builder#configure}.
 */
public final class EnvFilePlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return EnvFilePlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, PlacementFiles.SETTINGS);
        return EnvFilePlacement.builder().files(PlacementFiles.builder().configure(s).build()).build();
    }
}
