package io.canarykit.placement;

import io.canarykit.config.ComponentProvider;

/**
 * Finds a {@link Placement} by name ({@code aws-credentials-file}, {@code env}, {@code imds}, ...).
 *
 * @since 0.1.0
 */
public interface PlacementProvider extends ComponentProvider<Placement> {
}
