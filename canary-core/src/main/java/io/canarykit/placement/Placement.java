package io.canarykit.placement;

import io.canarykit.PlacementReceipt;

/**
 * Writes a canary credential into a target where an attacker's tooling looks for credentials, without breaking
 * anything already there; verifies and removes it later from its receipt.
 */
public interface Placement {

    /** The provider name, stored in receipts. */
    String name();

    /**
     * Plants the credential.
     *
     * @return a receipt saying what was written where (no secret)
     * @throws io.canarykit.CanaryConfigurationException for bad options or a target that cannot be written; nothing
     *         already there is changed
     */
    PlacementReceipt place(PlacementRequest request);

    /** Checks that what the receipt describes is still in place. */
    PlacementVerification verify(PlacementReceipt receipt);

    /** Removes exactly what the receipt describes, and nothing else. Idempotent. */
    void remove(PlacementReceipt receipt);
}
