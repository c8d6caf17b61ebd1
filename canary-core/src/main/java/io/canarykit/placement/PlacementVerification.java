package io.canarykit.placement;

/**
 * Whether a placement still holds what it placed.
 *
 * @param present true if the canary is where the receipt says, with the same access key id
 * @param detail  what was found, for a person
 */
public record PlacementVerification(boolean present, String detail) {
    public static PlacementVerification present(String detail) {
        return new PlacementVerification(true, detail);
    }

    public static PlacementVerification missing(String detail) {
        return new PlacementVerification(false, detail);
    }
}
