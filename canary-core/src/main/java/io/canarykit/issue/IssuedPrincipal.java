package io.canarykit.issue;

import io.canarykit.CanaryId;
import io.canarykit.Principal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A principal an issuer finds in AWS when it lists what it made, for reconciliation against the store.
 *
 * @param principal    the principal
 * @param createdAt    when AWS created it, or {@code null} if unknown
 * @param accessKeyIds its access key ids (long-term), may be empty
 * @param canaryId     the canary it was created for (from its ownership tag), or {@code null} if unknown
 *
 * @since 0.1.0
 */
public record IssuedPrincipal(Principal principal, @Nullable Instant createdAt, List<String> accessKeyIds,
                              @Nullable CanaryId canaryId) {
    public IssuedPrincipal {
        Objects.requireNonNull(principal, "principal");
        accessKeyIds = List.copyOf(accessKeyIds == null ? List.of() : accessKeyIds);
    }

    /** A principal whose canary is not known. */
    public IssuedPrincipal(Principal principal, @Nullable Instant createdAt, List<String> accessKeyIds) {
        this(principal, createdAt, accessKeyIds, null);
    }
}
