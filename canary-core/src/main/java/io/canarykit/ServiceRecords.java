package io.canarykit;

import io.canarykit.issue.AtomicIssuance;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementVerification;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CanaryService} and its passes share: the store (listing every page, compare-and-set with re-read) and
 * the placements (finding one by name, removing a placement only while it still holds the canary). Thread-safe.
 */
final class ServiceRecords {
    /** Logged as the service, whose work this is. */
    private static final Logger LOG = LoggerFactory.getLogger(CanaryService.class);
    private static final int CAS_ATTEMPTS = 10;

    private final CanaryStore store;
    private final Function<String, Placement> placements;

    ServiceRecords(CanaryStore store, Function<String, Placement> placements) {
        this.store = store;
        this.placements = placements;
    }

    CanaryStore store() {
        return store;
    }

    /** The placement named {@code name}; throws {@link CanaryConfigurationException} for an unknown one. */
    Placement placement(String name) {
        return placements.apply(name);
    }

    /** The record, or {@link CanaryNotFoundException}. */
    CanaryRecord require(CanaryId id) {
        return store.find(id).orElseThrow(() -> new CanaryNotFoundException(id));
    }

    /** Every canary matching {@code query} (all pages). */
    List<CanaryRecord> listAll(CanaryQuery query) {
        List<CanaryRecord> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(query.after(cursor));
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    /**
     * Compare-and-set with re-read on conflict; {@code change} returns {@code null} to leave the record alone.
     */
    CanaryRecord casUpdate(CanaryId id, UnaryOperator<CanaryRecord> change) {
        for (int attempt = 0; ; attempt++) {
            CanaryRecord current = require(id);
            CanaryRecord changed = change.apply(current);
            if (changed == null) {
                return current;
            }
            try {
                return store.update(changed);
            } catch (StaleVersionException e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * For every live canary whose revocation was recorded but may not have finished (a crash, a failure), removes its
     * placement if that still holds the canary: the step of a revocation that comes before AWS, which the issuance
     * coordinator's recovery cannot do. Failures are added to {@code problems}.
     *
     * @return how many placements were removed
     */
    int finishRevocationPlacements(List<String> problems) {
        int removed = 0;
        for (CanaryRecord r : listAll(CanaryQuery.live())) {
            if (!AtomicIssuance.revocationRequested(r) || r.receipt() == null) {
                continue;
            }
            try {
                if (removePlacementIfStillOurs(r)) {
                    removed++;
                }
            } catch (RuntimeException e) {
                problems.add("canary " + r.id() + ": removing the placement of a canary being revoked failed: "
                        + e.getMessage());
            }
        }
        return removed;
    }

    /**
     * Removes the placement unless it is gone or now holds another key (a replacement overwrote it); true if it was
     * removed.
     */
    boolean removePlacementIfStillOurs(CanaryRecord record) {
        PlacementReceipt receipt = record.receipt();
        if (receipt == null) {
            return false;
        }
        Placement placement = placements.apply(receipt.placement());
        PlacementVerification v = placement.verify(receipt);
        if (v.present()) {
            placement.remove(receipt);
            return true;
        }
        LOG.debug("placement of canary {} no longer holds it ({}); leaving it", record.id(), v.detail());
        return false;
    }

    /**
     * The successor of {@code r}: its {@code replacedBy}, or a live record that {@code replaces} it (a pass that
     * stopped after issuing the successor but before linking it); {@code null} if none.
     */
    static @Nullable CanaryId successorOf(CanaryRecord r, List<CanaryRecord> live) {
        if (r.replacedBy() != null) {
            return r.replacedBy();
        }
        for (CanaryRecord other : live) {
            if (r.id().equals(other.replaces())) {
                return other.id();
            }
        }
        return null;
    }
}
