package io.canarykit.placement;

import io.canarykit.Asset;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A credential to plant.
 *
 * @param canaryId   the canary's id
 * @param asset      the asset it is for
 * @param credential the credential (the only secret-bearing part)
 * @param options    placement-specific options, kebab-case (profile name, file path, prefix, ...); see
 *                   {@link PlacementOptions}
 *
 * @since 0.1.0
 */
public record PlacementRequest(CanaryId canaryId, Asset asset, CanaryCredential credential, Map<String, String> options) {
    public PlacementRequest {
        Objects.requireNonNull(canaryId, "canaryId");
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(credential, "credential");
        options = Map.copyOf(new LinkedHashMap<>(options == null ? Map.of() : options));
    }

    /** An option, or {@code null}. */
    public @Nullable String option(String key) {
        return options.get(key);
    }
}
