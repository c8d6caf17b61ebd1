package io.canarykit;

import io.canarykit.fingerprint.FingerprintReport;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CanaryService#issue} made.
 *
 * @param record      the stored record (ACTIVE, with its placement receipt unless the credential was returned)
 * @param fingerprint the fingerprint report of the new credential, or {@code null} when the gate is off
 * @param credential  the credential, only for {@link PlacementSpec#returnToCaller()}; otherwise {@code null} (the
 *                    secret went to the placement and nowhere else). Its {@code toString} masks the secret.
 *
 * @since 0.1.0
 */
public record IssueOutcome(CanaryRecord record, @Nullable FingerprintReport fingerprint,
                           @Nullable CanaryCredential credential) {
    public IssueOutcome {
        Objects.requireNonNull(record, "record");
    }

    /** The credential when it was returned to the caller. */
    public Optional<CanaryCredential> returnedCredential() {
        return Optional.ofNullable(credential);
    }
}
