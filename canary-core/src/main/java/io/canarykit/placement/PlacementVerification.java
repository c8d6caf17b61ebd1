package io.canarykit.placement;

/**
 * Whether a placement still holds what it placed.
 *
 * @param present true if the canary is where the receipt says, with the same access key id
 * @param detail  what was found, for a person
 *
 * @since 0.1.0
 */
public record PlacementVerification(boolean present, String detail) {
    /** The canary is in place; {@code detail} says what was found. */
    public static PlacementVerification present(String detail) {
        return new PlacementVerification(true, detail);
    }

    /** The canary is not (or no longer) in place; {@code detail} says what was found instead. */
    public static PlacementVerification missing(String detail) {
        return new PlacementVerification(false, detail);
    }
}
