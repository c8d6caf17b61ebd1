package io.canarykit.store;

import io.canarykit.config.ComponentProvider;

/**
 * Finds a {@link CanaryStore} by name ({@code in-memory}, {@code jdbc}, {@code dynamodb}) through ServiceLoader.
 *
 * @since 0.1.0
 */
public interface CanaryStoreProvider extends ComponentProvider<CanaryStore> {
}
