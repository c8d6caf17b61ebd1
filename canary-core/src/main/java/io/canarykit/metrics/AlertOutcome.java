package io.canarykit.metrics;

/**
 * One step of an alert's delivery to a sink, as {@link MetricsListener#alertDelivery} reports it.
 *
 * @since 0.1.0
 */
public enum AlertOutcome {
    /** The sink delivered the alert (the receiver took it). */
    SENT,
    /** An attempt failed in a way worth retrying, and the alert is tried again (now, from a spool, or next pass). */
    RETRIED,
    /** The alert could not be delivered now and was written to the sink's spool on disk, to be retried from there. */
    SPOOLED,
    /** The sink could not take the alert: the detection engine sends it again on its next pass. */
    FAILED;

    /** The lower-case name used as a metric tag, such as {@code spooled}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
