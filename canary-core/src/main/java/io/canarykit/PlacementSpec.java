package io.canarykit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a new canary goes: a placement provider's name and its options (profile name, file path, prefix, ...).
 * The special placement {@value #RETURN} plants nothing and hands the credential back to the caller once (the
 * issuance API uses it; the caller plants the credential itself).
 *
 * @param placement the placement's name, such as {@code aws-credentials-file}, or {@value #RETURN}
 * @param options   the placement's options; never secrets
 *
 * @since 0.1.0
 */
public record PlacementSpec(String placement, Map<String, String> options) {
    /** The placement name that returns the credential to the caller instead of planting it. */
    public static final String RETURN = "return";

    public PlacementSpec {
        Objects.requireNonNull(placement, "placement");
        if (placement.isBlank()) {
            throw new CanaryConfigurationException("a placement name must not be blank");
        }
        options = Map.copyOf(new LinkedHashMap<>(options == null ? Map.of() : options));
    }

    /** A placement with options. */
    public static PlacementSpec of(String placement, Map<String, String> options) {
        return new PlacementSpec(placement, options);
    }

    /** A placement without options. */
    public static PlacementSpec of(String placement) {
        return new PlacementSpec(placement, Map.of());
    }

    /** Hand the credential back instead of planting it. */
    public static PlacementSpec returnToCaller() {
        return new PlacementSpec(RETURN, Map.of());
    }

    /** True for {@link #returnToCaller()}. */
    public boolean returnsCredential() {
        return RETURN.equals(placement);
    }

    /** A copy with {@code more} options laid over these. */
    public PlacementSpec withOptions(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(options);
        merged.putAll(more);
        return new PlacementSpec(placement, merged);
    }
}
