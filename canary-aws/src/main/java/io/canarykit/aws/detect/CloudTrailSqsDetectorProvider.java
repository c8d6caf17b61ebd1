package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;
import java.util.List;

/**
 * Provider {@code cloudtrail-sqs}: a {@link CloudTrailSqsDetector} with SQS and S3 clients from the client keys of
 * {@link DetectorClients} ({@code region}, {@code endpoint}, {@code sqs.endpoint}, {@code profile}, ...) and:
 * {@code queue-url} (required), {@code bucket} (required; comma-separated for several trail buckets),
 * {@code dead-letter-queue-url} (recommended), {@code consumers} (4), {@code max-receive-count} (5),
 * {@code visibility-timeout} (5m), {@code wait-time} (5s), {@code max-pass-duration} (5m).
 *
 * @since 0.1.0
 */
public final class CloudTrailSqsDetectorProvider implements DetectorProvider {
    /** For {@link java.util.ServiceLoader}. */
    public CloudTrailSqsDetectorProvider() {
    }

    @Override
    public String name() {
        return "cloudtrail-sqs";
    }

    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.list("bucket", "the trail buckets whose objects the notifications name").asRequired(),
            ConfigKey.url("queue-url", "the SQS queue the notifications arrive in").asRequired(),
            ConfigKey.url("dead-letter-queue-url", "the queue's dead-letter queue, watched for records that failed"),
            ConfigKey.integer("consumers", "receivers working the queue at once").withDefault("4"),
            ConfigKey.integer("max-receive-count", "receives before a message goes to the dead-letter queue")
                    .withDefault("5"),
            ConfigKey.duration("visibility-timeout", "how long a received message stays hidden").withDefault("5m"),
            ConfigKey.duration("wait-time", "long-poll wait of one receive, at most 20s").withDefault("5s"),
            ConfigKey.duration("max-pass-duration", "the longest one detection pass reads").withDefault("5m"));

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        List<String> buckets = config.getList("bucket");
        String queueUrl = config.getString("queue-url");
        if (queueUrl == null || buckets.isEmpty()) {
            throw new CanaryConfigurationException("the cloudtrail-sqs detector needs queue-url (the queue the trail"
                    + " bucket notifies) and bucket (the trail bucket)");
        }
        DetectorClients clients = DetectorClients.fromConfig(config);
        CloudTrailSqsDetector.Builder b = CloudTrailSqsDetector.builder()
                .sqsClient(clients.sqs()).s3Client(clients.s3())
                .queueUrl(queueUrl).buckets(buckets)
                .consumers(config.getInt("consumers", 4))
                .maxReceiveCount(config.getInt("max-receive-count", 5))
                .visibilityTimeout(config.getDuration("visibility-timeout", Duration.ofMinutes(5)))
                .waitTime(config.getDuration("wait-time", Duration.ofSeconds(5)))
                .maxPassDuration(config.getDuration("max-pass-duration", Duration.ofMinutes(5)));
        String deadLetterQueueUrl = config.getString("dead-letter-queue-url");
        if (deadLetterQueueUrl != null) {
            b.deadLetterQueueUrl(deadLetterQueueUrl);
        }
        return b.build();
    }
}
