package io.canarykit.policy;

import java.util.Objects;

/**
 * A policy document with the name decisions quote it by: a policy name, a file name, or an ARN.
 *
 * @param name     the name, never blank
 * @param document the document
 *
 * @since 0.1.0
 */
public record NamedPolicy(String name, PolicyDocument document) {
    public NamedPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(document, "document");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a policy name must not be blank");
        }
    }

    /**
     * Parses {@code json} and names it.
     *
     * @throws PolicyParseException naming the policy, the statement and the field if the JSON is not a valid policy
     */
    public static NamedPolicy parse(String name, String json) {
        return new NamedPolicy(name, PolicyDocument.parse(name, json));
    }

    /** Names a parsed document. */
    public static NamedPolicy of(String name, PolicyDocument document) {
        return new NamedPolicy(name, document);
    }
}
