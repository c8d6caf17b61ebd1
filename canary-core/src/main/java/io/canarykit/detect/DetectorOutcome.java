package io.canarykit.detect;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one detector's part of a pass went.
 *
 * @param source   the detector's source name
 * @param seen     sightings it handed over
 * @param stored   of those, sightings stored for the first time
 * @param failure  why it stopped early (its checkpoints were kept where it stopped), or {@code null} if it completed
 *
 * @since 0.1.0
 */
public record DetectorOutcome(String source, long seen, long stored, @Nullable String failure) {
    public DetectorOutcome {
        Objects.requireNonNull(source, "source");
    }

    /** True if the detector completed its pass. */
    public boolean succeeded() {
        return failure == null;
    }
}
