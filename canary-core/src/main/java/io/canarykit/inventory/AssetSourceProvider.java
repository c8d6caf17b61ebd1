package io.canarykit.inventory;

import io.canarykit.config.ComponentProvider;

/**
 * Finds an {@link AssetSource} by name ({@code csv}, or a user's CMDB adapter).
 *
 * @since 0.1.0
 */
public interface AssetSourceProvider extends ComponentProvider<AssetSource> {
}
