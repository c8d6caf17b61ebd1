package io.canarykit.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Collections;

/**
 * The {@code Principal} or {@code NotPrincipal} element of a resource-based policy statement: either {@code "*"}
 * (everyone, including anonymous callers) or principals by type ({@code AWS}, {@code Service}, {@code Federated},
 * {@code CanonicalUser}).
 *
 * @param wildcard true for {@code "Principal": "*"}
 * @param byType   principal identifiers by type, in document order; empty when {@code wildcard}
 *
 * @since 0.1.0
 */
public record PolicyPrincipal(boolean wildcard, Map<String, List<String>> byType) {
    /** The principal types IAM accepts. */
    public static final List<String> TYPES = List.of("AWS", "Service", "Federated", "CanonicalUser");

    public PolicyPrincipal {
        Objects.requireNonNull(byType, "byType");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        byType.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "principal type"), List.copyOf(v)));
        byType = Collections.unmodifiableMap(copy);
        if (wildcard && !byType.isEmpty()) {
            throw new IllegalArgumentException("a wildcard principal lists no principals");
        }
    }

    /** {@code "*"}: everyone. */
    public static PolicyPrincipal any() {
        return new PolicyPrincipal(true, Map.of());
    }

    /** {@code {"AWS": [arns...]}}. */
    public static PolicyPrincipal aws(String... arnsOrAccounts) {
        return new PolicyPrincipal(false, Map.of("AWS", List.of(arnsOrAccounts)));
    }

    /** {@code {"Service": [names...]}}. */
    public static PolicyPrincipal service(String... serviceNames) {
        return new PolicyPrincipal(false, Map.of("Service", List.of(serviceNames)));
    }

    /** The identifiers of one type, empty if none. */
    public List<String> values(String type) {
        return byType.getOrDefault(type, List.of());
    }
}
