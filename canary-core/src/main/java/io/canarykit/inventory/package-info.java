/**
 * Asset inventories: {@link io.canarykit.inventory.AssetSource} lists the assets to onboard (a CSV file, or a source of
 * your own found through {@link io.canarykit.inventory.AssetSourceProvider}).
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.inventory;

import org.jspecify.annotations.NullMarked;
