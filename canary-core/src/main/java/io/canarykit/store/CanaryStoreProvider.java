package io.canarykit.store;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds a {@link CanaryStore} by name ({@code in-memory}, {@code jdbc}, {@code dynamodb}) through ServiceLoader.
 * Its providers read {@code canary.store.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("store")
public interface CanaryStoreProvider extends ComponentProvider<CanaryStore> {
}
