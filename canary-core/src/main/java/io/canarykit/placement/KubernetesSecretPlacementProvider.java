package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

/** Provider {@code kubernetes-secret}: {@link KubernetesSecretPlacement}. Configuration (optional): {@code followSymlinks}. */
public final class KubernetesSecretPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return KubernetesSecretPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return KubernetesSecretPlacement.builder()
                .files(PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build())
                .build();
    }
}
