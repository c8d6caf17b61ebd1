package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code eventbridge-sqs}: an {@link EventBridgeSqsDetector} with an SQS client from the client keys of
 * {@link DetectorClients} ({@code region}, {@code endpoint}, {@code sqs.endpoint}, {@code profile}, ...) and:
 * {@code queue-url} (required), {@code dead-letter-queue-url} (recommended), {@code consumers} (2),
 * {@code max-receive-count} (5), {@code visibility-timeout} (1m), {@code wait-time} (5s), {@code max-pass-duration} (5m).
 *
 * @since 0.1.0
 */
public final class EventBridgeSqsDetectorProvider implements DetectorProvider {
    /** For {@link java.util.ServiceLoader}. */
    public EventBridgeSqsDetectorProvider() {
    }

    @Override
    public String name() {
        return "eventbridge-sqs";
    }

    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.url("queue-url", "the SQS queue the notifications arrive in").asRequired(),
            ConfigKey.url("dead-letter-queue-url", "the queue's dead-letter queue, watched for records that failed"),
            ConfigKey.integer("consumers", "receivers working the queue at once").withDefault("2"),
            ConfigKey.integer("max-receive-count", "receives before a message goes to the dead-letter queue")
                    .withDefault("5"),
            ConfigKey.duration("visibility-timeout", "how long a received message stays hidden").withDefault("1m"),
            ConfigKey.duration("wait-time", "long-poll wait of one receive, at most 20s").withDefault("5s"),
            ConfigKey.duration("max-pass-duration", "the longest one detection pass reads").withDefault("5m"));

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        String queueUrl = config.getString("queue-url");
        if (queueUrl == null) {
            throw new CanaryConfigurationException("the eventbridge-sqs detector needs queue-url: the queue the"
                    + " EventBridge rule targets");
        }
        EventBridgeSqsDetector.Builder b = EventBridgeSqsDetector.builder()
                .sqsClient(DetectorClients.fromConfig(config).sqs())
                .queueUrl(queueUrl)
                .consumers(config.getInt("consumers", 2))
                .maxReceiveCount(config.getInt("max-receive-count", 5))
                .visibilityTimeout(config.getDuration("visibility-timeout", Duration.ofMinutes(1)))
                .waitTime(config.getDuration("wait-time", Duration.ofSeconds(5)))
                .maxPassDuration(config.getDuration("max-pass-duration", Duration.ofMinutes(5)));
        String deadLetterQueueUrl = config.getString("dead-letter-queue-url");
        if (deadLetterQueueUrl != null) {
            b.deadLetterQueueUrl(deadLetterQueueUrl);
        }
        return b.build();
    }
}
