package io.canarykit.testkit.aws;

/**
 * Receives an {@link S3ObjectCreated} for every object written to the trail bucket (log files as the trail delivers
 * them, and objects put with {@link AwsEmulator#putTrailObject}), as an S3 event notification configuration would.
 * Called after the emulator released its lock, on the thread that caused the write; an exception it throws is logged
 * and the notification dropped (as a misconfigured S3 notification drops it).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface S3NotificationSink {

    /**
     * Takes one notification.
     *
     * @param created the object written, never {@code null}
     */
    void objectCreated(S3ObjectCreated created);
}
