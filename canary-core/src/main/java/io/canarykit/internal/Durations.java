package io.canarykit.internal;

import io.canarykit.CanaryConfigurationException;

import java.time.Duration;
import java.util.Objects;

/**
 * Checks for the durations builders accept. Internal: public only so that canarykit's other modules can use it; not
 * API, and it may change without notice.
 *
 * @since 0.1.0
 */
public final class Durations {
    private Durations() {
    }

    /**
     * Returns {@code d} if it is longer than zero.
     *
     * @param what names the setting in the message, such as {@code "cloudtrail-s3 settle"}
     * @throws CanaryConfigurationException if it is {@code null}, zero or negative
     */
    public static Duration positive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new CanaryConfigurationException(what + " must be positive, was " + d);
        }
        return d;
    }

    /**
     * Returns {@code d} if it is zero or longer.
     *
     * @throws CanaryConfigurationException if it is {@code null} or negative
     */
    public static Duration nonNegative(Duration d, String what) {
        Objects.requireNonNull(what, "what");
        if (d == null || d.isNegative()) {
            throw new CanaryConfigurationException(what + " must not be negative, was " + d);
        }
        return d;
    }

    /** A short human form: {@code 10m}, {@code 90s}, {@code 2h}, {@code 1d}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms > 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms > 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms > 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
