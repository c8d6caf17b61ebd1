package io.canarykit.placement.file;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigKey;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

/**
 * Provider {@code credential-process}: {@link CredentialProcessPlacement}. Settings ({@code
 * canary.placement.credential-process.*}, optional): {@code config-file}, and the file settings of
 * {@link PlacementFiles.Builder#configure}.
 *
 * @since 0.1.0
 */
public final class CredentialProcessPlacementProvider implements PlacementProvider {
    private static final ConfigKeys KEYS = PlacementFiles.SETTING_KEYS.and(
            ConfigKey.path("config-file", "the shared config file (default: what the AWS SDKs read)"));


    @Override
    public String name() {
        return CredentialProcessPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, KEYS);
        return CredentialProcessPlacement.builder()
                .files(PlacementFiles.builder().configure(s).build())
                .configFile(s.getPath("config-file"))
                .build();
    }
}
