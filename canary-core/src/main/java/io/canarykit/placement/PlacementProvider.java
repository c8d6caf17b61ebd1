package io.canarykit.placement;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds a {@link Placement} by name ({@code aws-credentials-file}, {@code env}, {@code imds}, ...).
 * Its providers read {@code canary.placement.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("placement")
public interface PlacementProvider extends ComponentProvider<Placement> {
}
