package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

/** Provider {@code env}: {@link EnvFilePlacement}. Configuration (optional): {@code followSymlinks}. */
public final class EnvFilePlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return EnvFilePlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return EnvFilePlacement.builder()
                .files(PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build())
                .build();
    }
}
