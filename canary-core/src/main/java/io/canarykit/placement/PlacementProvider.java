package io.canarykit.placement;

import io.canarykit.config.ComponentProvider;

/** Finds a {@link Placement} by name ({@code aws-credentials-file}, {@code env}, {@code imds}, ...). */
public interface PlacementProvider extends ComponentProvider<Placement> {
}
