package io.canarykit.store;

import io.canarykit.config.ComponentProvider;

/** Finds a {@link CanaryStore} by name ({@code in-memory}, {@code jdbc}, {@code dynamodb}) through ServiceLoader. */
public interface CanaryStoreProvider extends ComponentProvider<CanaryStore> {
}
