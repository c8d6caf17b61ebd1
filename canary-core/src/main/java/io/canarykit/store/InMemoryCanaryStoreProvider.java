package io.canarykit.store;

import io.canarykit.config.CanaryConfig;




/**
 * Provider {@code in-memory}. Found by ServiceLoader; {@link InMemoryCanaryStore#create()} builds the same by hand.
 *
 * @since 0.1.0
 */
public final class InMemoryCanaryStoreProvider implements CanaryStoreProvider {
    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public CanaryStore create(CanaryConfig config) {
        return InMemoryCanaryStore.create();
    }
}
