package io.canarykit.placement.file;

import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.util.Set;

/**
 * Provider {@code credential-process}: {@link CredentialProcessPlacement}. Settings ({@code
 * canary.placement.credential-process.*}, optional): {@code config-file}, and the file settings of
 * {@link PlacementFiles.Builder#configure}.
 *
 * @since 0.1.0
 */
public final class CredentialProcessPlacementProvider implements PlacementProvider {
    private static final Set<String> SETTINGS = AwsCredentialsFilePlacementProvider.union(PlacementFiles.SETTINGS, "config-file");

    @Override
    public String name() {
        return CredentialProcessPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, SETTINGS);
        return CredentialProcessPlacement.builder()
                .files(PlacementFiles.builder().configure(s).build())
                .configFile(s.getPath("config-file"))
                .build();
    }
}
