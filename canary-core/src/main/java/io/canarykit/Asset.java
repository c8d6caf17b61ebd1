package io.canarykit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The thing a canary is planted in and whose breach it reveals: a host, a laptop, a CI build, a container host.
 * Every canary maps to exactly one asset.
 *
 * @param kind   what sort of asset, lower case, such as {@code host}, {@code laptop}, {@code ci-build}
 * @param id     the asset's identifier in the user's inventory (a hostname, a device id, a build id); kept in the
 *               store, never put into a principal name unless a naming template asks for it
 * @param labels free-form metadata a responder wants in the alert (owner, team, hostname, ...)
 *
 * @since 0.1.0
 */
public record Asset(String kind, String id, Map<String, String> labels) {
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public Asset {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (!KIND.matcher(kind).matches()) {
            throw new CanaryConfigurationException("invalid asset kind '" + kind
                    + "': use 1-64 lower-case letters, digits, '.', '_' or '-', such as host, laptop or ci-build");
        }
        if (id.isBlank() || id.length() > 512) {
            throw new CanaryConfigurationException("invalid asset id for kind " + kind
                    + ": it must be 1-512 characters and not blank");
        }
        labels = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(labels, "labels")));
    }

    /** An asset without labels. */
    public static Asset of(String kind, String id) {
        return new Asset(kind, id, Map.of());
    }

    /** A copy with one more label. */
    public Asset withLabel(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(labels);
        copy.put(key, value);
        return new Asset(kind, id, copy);
    }

    /** {@code kind/id}, handy in logs and messages. */
    public String ref() {
        return kind + "/" + id;
    }
}
