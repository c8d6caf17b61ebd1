package io.canarykit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a placement wrote where, stored with the canary so that it can be verified and removed later. Never holds a
 * secret.
 *
 * @param placement the placement's provider name, such as {@code aws-credentials-file}
 * @param location  where it was written: a file path, a URL, a profile
 * @param details   placement-specific facts needed to verify and remove it (profile name, variable names, ...)
 * @param placedAt  when it was written
 *
 * @since 0.1.0
 */
public record PlacementReceipt(String placement, String location, Map<String, String> details, Instant placedAt) {
    public PlacementReceipt {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(placedAt, "placedAt");
        details = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
    }

    /** A detail, or {@code null}. */
    public @Nullable String detail(String key) {
        return details.get(key);
    }
}
