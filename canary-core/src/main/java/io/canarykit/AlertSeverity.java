package io.canarykit;

import java.util.Locale;

/**
 * How urgent an alert is, from its {@link SightingClass classification}; sinks map it to their own scales.
 *
 * @since 0.1.0
 */
public enum AlertSeverity {
    /** Nothing to act on (self-use; never alerted). */
    INFO,
    /** Worth a look. */
    LOW,
    /** Look today: a secret scanner verified the key (someone found it). */
    MEDIUM,
    /** Act now: the key was used or published. */
    HIGH,
    /** Act now and escalate: someone is exploring with the key. */
    CRITICAL;

    /** The lower-case name used in configuration and output ({@code high}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
