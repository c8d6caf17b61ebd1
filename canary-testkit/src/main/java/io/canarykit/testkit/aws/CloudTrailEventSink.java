package io.canarykit.testkit.aws;

/**
 * Receives CloudTrail records as EventBridge delivers them: an "AWS API Call via CloudTrail" envelope
 * ({@code version}, {@code id}, {@code detail-type}, {@code source}, {@code account}, {@code time}, {@code region},
 * {@code resources}, {@code detail} = the record object). Called on the thread that served the request, after the
 * emulator released its lock; an exception it throws is logged and dropped.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CloudTrailEventSink {

    /**
     * Takes one envelope.
     *
     * @param envelopeJson the envelope as a JSON object, never {@code null}
     */
    void accept(String envelopeJson);
}
