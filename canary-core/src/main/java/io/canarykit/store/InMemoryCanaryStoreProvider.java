package io.canarykit.store;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;




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

    /** Reads no key. */
    @Override
    public ConfigKeys configKeys() {
        return ConfigKeys.none();
    }

    @Override
    public CanaryStore create(CanaryConfig config) {
        return InMemoryCanaryStore.create();
    }
}
