package io.canarykit.inventory;

import io.canarykit.Asset;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One asset of an inventory, with where its canary should go when the inventory says so.
 *
 * @param asset            the asset
 * @param placement        the placement to use for it, or {@code null} for the onboarding default
 * @param placementOptions options for that placement (merged over the default's), may be empty
 *
 * @since 0.1.0
 */
public record InventoryEntry(Asset asset, @Nullable String placement, Map<String, String> placementOptions) {
    public InventoryEntry {
        Objects.requireNonNull(asset, "asset");
        placementOptions = Map.copyOf(new LinkedHashMap<>(placementOptions == null ? Map.of() : placementOptions));
    }

    /** An entry that takes the onboarding default placement. */
    public static InventoryEntry of(Asset asset) {
        return new InventoryEntry(asset, null, Map.of());
    }
}
