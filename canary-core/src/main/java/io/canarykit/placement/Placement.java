package io.canarykit.placement;

import io.canarykit.PlacementReceipt;

/**
 * Writes a canary credential into a target where an attacker's tooling looks for credentials, without breaking
 * anything already there; verifies and removes it later from its receipt.
 *
 * <p>Placements that hold resources (the {@code imds} and {@code container-credentials} endpoints run an HTTP
 * server) release them in {@link #close()}; for file placements {@code close()} does nothing. Implementations are
 * thread-safe.
 *
 * @since 0.1.0
 */
public interface Placement extends AutoCloseable {

    /** The provider name, stored in receipts. */
    String name();

    /**
     * Plants the credential.
     *
     * @return a receipt saying what was written where (no secret)
     * @throws io.canarykit.CanaryConfigurationException for bad or unknown options or a target that cannot be written;
     *         nothing already there is changed and nothing is created (no file, directory or lock beside the target)
     */
    PlacementReceipt place(PlacementRequest request);

    /**
     * Replaces what {@code previous} describes with {@code request}'s credential (rotation): where the target allows it,
     * in place, so that the rest of the target keeps its order. The default removes, then places.
     *
     * @param previous the receipt of the placement being replaced, never {@code null}
     * @param request  the new credential
     * @return the receipt of the new placement
     * @throws io.canarykit.CanaryConfigurationException as {@link #place}; nothing already there is changed
     * @since 0.1.0
     */
    default PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        remove(previous);
        return place(request);
    }

    /** Checks that what the receipt describes is still in place. */
    PlacementVerification verify(PlacementReceipt receipt);

    /**
     * Removes exactly what the receipt describes, and nothing else; a file or directory the placement created goes once
     * nothing else is in it, so that nothing is left an attacker could key on. Idempotent; a receipt whose canary was
     * replaced since removes nothing.
     *
     * @throws io.canarykit.CanaryConfigurationException for a receipt another placement wrote
     */
    void remove(PlacementReceipt receipt);

    /**
     * Releases what the placement holds (an HTTP server, ...). What was placed in files stays. The default does
     * nothing.
     *
     * @since 0.1.0
     */
    @Override
    default void close() {
    }
}
