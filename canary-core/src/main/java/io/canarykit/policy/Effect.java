package io.canarykit.policy;

import org.jspecify.annotations.Nullable;

/**
 * The {@code Effect} of a policy statement.
 *
 * @since 0.1.0
 */
public enum Effect {
    /** {@code "Allow"}. */
    ALLOW("Allow"),
    /** {@code "Deny"}. */
    DENY("Deny");

    private final String json;

    Effect(String json) {
        this.json = json;
    }

    /** How the effect is written in IAM JSON: {@code Allow} or {@code Deny}. */
    public String json() {
        return json;
    }

    /** Parses {@code Allow} or {@code Deny} exactly as IAM does (case-sensitive); {@code null} for anything else. */
    static @Nullable Effect fromJson(String text) {
        for (Effect e : values()) {
            if (e.json.equals(text)) {
                return e;
            }
        }
        return null;
    }
}
