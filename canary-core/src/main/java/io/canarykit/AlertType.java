package io.canarykit;

/**
 * Whether an alert is a canary's first or aggregates later sightings.
 *
 * @since 0.1.0
 */
public enum AlertType {
    /** The first real use of a canary: raised at once. */
    INITIAL,
    /** Later sightings within the aggregation window, listed together; never dropped. */
    FOLLOW_UP
}
