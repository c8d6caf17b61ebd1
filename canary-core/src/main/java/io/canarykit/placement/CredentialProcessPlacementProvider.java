package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code credential-process}: {@link CredentialProcessPlacement}. Configuration (optional):
 * {@code configFile}, {@code followSymlinks}.
 */
public final class CredentialProcessPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return CredentialProcessPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return CredentialProcessPlacement.builder()
                .files(PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build())
                .configFile(config.getPath("configFile"))
                .build();
    }
}
