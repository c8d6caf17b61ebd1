package io.canarykit.inventory;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds an {@link AssetSource} by name ({@code csv}, or a user's CMDB adapter).
 * Its providers read {@code canary.inventory.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("inventory")
public interface AssetSourceProvider extends ComponentProvider<AssetSource> {
}
