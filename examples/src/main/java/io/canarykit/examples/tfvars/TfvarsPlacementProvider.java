package io.canarykit.examples.tfvars;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.time.Clock;

/**
 * Provider {@code terraform-tfvars}, registered in this module's
 * {@code META-INF/services/io.canarykit.placement.PlacementProvider}: with the jar on the class path,
 * {@code ProviderRegistry.load(PlacementProvider.class)} finds it next to the built-in placements. Settings
 * ({@code canary.placement.terraform-tfvars.*}): the file settings of {@link PlacementFiles.Builder#configure},
 * declared by {@link #configKeys()} (so that {@code canary config check} knows them) and read through
 * {@link PlacementOptions#settings} so that old camelCase spellings keep working with a warning.
 *
 * @since 0.1.0
 */
public final class TfvarsPlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return TfvarsPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return PlacementFiles.SETTING_KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig settings = PlacementOptions.settings(name(), config, configKeys());
        return TfvarsPlacement.create(PlacementFiles.builder().configure(settings).build(), Clock.systemUTC());
    }
}
