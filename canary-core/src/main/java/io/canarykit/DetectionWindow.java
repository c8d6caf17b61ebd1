package io.canarykit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When the asset was breached, at the latest and at the earliest: the credential was planted at {@code issuedAt} and
 * first used at {@code firstUse}, so the breach happened in between.
 *
 * @since 0.1.0
 */
public record DetectionWindow(Instant issuedAt, Instant firstUse) {
    public DetectionWindow {
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(firstUse, "firstUse");
    }

    /** Length of the window; never negative. */
    public Duration duration() {
        Duration d = Duration.between(issuedAt, firstUse);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
