package io.canarykit;

import io.canarykit.inventory.InventoryEntry;
import io.canarykit.store.CanaryQuery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CanaryService#onboard}: every inventory asset without a live canary gets one; canaries this inventory
 * onboarded whose asset is no longer listed are revoked. Called under the service's pass lock, with the inventory
 * already read in full.
 */
final class Onboarding {
    private final CanaryService service;
    private final ServiceRecords records;
    private final CredentialKind kind;

    Onboarding(CanaryService service, ServiceRecords records, CredentialKind kind) {
        this.service = service;
        this.records = records;
        this.kind = kind;
    }

    LifecycleReport.Onboard run(List<InventoryEntry> entries, PlacementSpec defaultPlacement, String inventoryName) {
        List<CanaryRecord> issued = new ArrayList<>();
        List<CanaryRecord> revoked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int unchanged = 0;
        Set<String> listed = new HashSet<>();
        for (InventoryEntry e : entries) {
            listed.add(e.asset().ref());
            boolean hasLive = records.store().findByAsset(e.asset().kind(), e.asset().id()).stream()
                    .anyMatch(r -> r.status().isLive() && r.status() != CanaryStatus.ROTATED);
            if (hasLive) {
                unchanged++;
                continue;
            }
            PlacementSpec spec = e.placement() == null ? defaultPlacement.withOptions(e.placementOptions())
                    : PlacementSpec.of(e.placement(), e.placementOptions());
            try {
                issued.add(service.issue(e.asset(), spec, kind, null,
                        Map.of(CanaryService.ATTR_INVENTORY, inventoryName), null).record());
            } catch (RuntimeException ex) {
                failures.add("issuing a canary for " + e.asset().ref() + " failed: " + ex.getMessage());
            }
        }
        for (CanaryRecord r : records.listAll(CanaryQuery.live())) {
            if (!inventoryName.equals(r.attributes().get(CanaryService.ATTR_INVENTORY))
                    || listed.contains(r.asset().ref()) || r.status() == CanaryStatus.PENDING) {
                continue;
            }
            try {
                revoked.add(service.revoke(r.id()));
            } catch (RuntimeException ex) {
                failures.add("revoking canary " + r.id() + " of removed asset " + r.asset().ref() + " failed: "
                        + ex.getMessage());
            }
        }
        return new LifecycleReport.Onboard(issued, revoked, unchanged, failures);
    }
}
