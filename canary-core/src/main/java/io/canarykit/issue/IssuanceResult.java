package io.canarykit.issue;

import io.canarykit.CanaryRecord;
import io.canarykit.fingerprint.FingerprintReport;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A canary that was issued and recorded: hand {@link #canary()} to a placement, then drop it.
 *
 * @param record      the stored {@code ACTIVE} record
 * @param canary      the credential and what the issuer made; the only place the secret lives
 * @param fingerprint what the fingerprint check found, or {@code null} when the gate is off
 *
 * @since 0.1.0
 */
public record IssuanceResult(CanaryRecord record, IssuedCanary canary, @Nullable FingerprintReport fingerprint) {
    public IssuanceResult {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(canary, "canary");
    }
}
