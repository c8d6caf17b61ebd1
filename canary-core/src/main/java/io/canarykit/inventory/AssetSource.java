package io.canarykit.inventory;

import java.util.List;

/**
 * An inventory of assets that should each carry a canary: a CSV file, a CMDB, a device-management API. Onboarding
 * reads it; assets that appear get canaries, assets that disappear have theirs revoked.
 *
 * @since 0.1.0
 */
public interface AssetSource {

    /**
     * A complete snapshot of the inventory now. An asset is identified by {@code kind/id}; each appears once.
     *
     * @throws io.canarykit.CanaryConfigurationException if the inventory cannot be read or is malformed; onboarding then
     *         changes nothing (a half-read inventory must never look like a list of removed assets)
     */
    List<InventoryEntry> assets();
}
