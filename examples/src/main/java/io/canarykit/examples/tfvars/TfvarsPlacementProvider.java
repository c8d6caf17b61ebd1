package io.canarykit.examples.tfvars;

import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementProvider;

import java.time.Clock;

/**
 * Provider {@code terraform-tfvars}, registered in this module's
 * {@code META-INF/services/io.canarykit.placement.PlacementProvider}: with the jar on the class path,
 * {@code ProviderRegistry.load(PlacementProvider.class)} finds it next to the built-in placements. Configuration:
 * {@code followSymlinks} (default {@code false}).
 */
public final class TfvarsPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return TfvarsPlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return TfvarsPlacement.create(
                PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build(),
                Clock.systemUTC());
    }
}
