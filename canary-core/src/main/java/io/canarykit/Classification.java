package io.canarykit;

import java.util.List;
import java.util.Objects;

/**
 * What a sighting (or an alert) was, with the evidence for it: the facts that led to the class, in words a responder
 * reads (for example "the first use was only sts:GetCallerIdentity, as secret scanners verify a key").
 *
 * @param kind     the class
 * @param evidence why, one fact per entry; never empty
 *
 * @since 0.1.0
 */
public record Classification(SightingClass kind, List<String> evidence) {
    public Classification {
        Objects.requireNonNull(kind, "kind");
        evidence = List.copyOf(evidence);
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("a classification states its evidence");
        }
    }

    /** A classification with one piece of evidence. */
    public static Classification of(SightingClass kind, String evidence) {
        return new Classification(kind, List.of(evidence));
    }

    /** The severity of this class. */
    public AlertSeverity severity() {
        return kind.severity();
    }
}
