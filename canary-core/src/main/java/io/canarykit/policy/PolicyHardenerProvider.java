package io.canarykit.policy;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds a {@link PolicyHardener} by name ({@code deny-all}).
 * Its providers read {@code canary.hardener.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("hardener")
public interface PolicyHardenerProvider extends ComponentProvider<PolicyHardener> {
}
