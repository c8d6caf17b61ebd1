package io.canarykit.placement.file;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

/**
 * Provider {@code kubernetes-secret}: {@link KubernetesSecretPlacement}. Settings ({@code
 * canary.placement.kubernetes-secret.*}, optional): the file settings of {@link PlacementFiles.Builder#configure}.
 *
 * @since 0.1.0
 */
public final class KubernetesSecretPlacementProvider implements PlacementProvider {
    private static final ConfigKeys KEYS = PlacementFiles.SETTING_KEYS;

    @Override
    public String name() {
        return KubernetesSecretPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, KEYS);
        return KubernetesSecretPlacement.builder().files(PlacementFiles.builder().configure(s).build()).build();
    }
}
