package io.canarykit.aws.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailSightings;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import io.canarykit.detect.EventBridgeDetector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Detector {@code eventbridge-sqs}: "AWS API Call via CloudTrail" events that an EventBridge rule (usually on a central
 * organisation bus that member accounts forward to) delivers to an SQS queue, consumed by competing workers like
 * {@link CloudTrailSqsDetector}: a message is deleted only after its sightings are stored, its visibility is extended
 * while it is handled, and a message that keeps failing goes to the dead-letter queue and is reported.
 *
 * <p>Bodies may be the event itself or an SNS notification carrying it. Events of other detail types (an S3 "Object
 * Created", a console sign-in) are skipped. What users miss most: a rule sees read-only management events (every
 * {@code Get*}, {@code List*}, {@code Describe*}: most canary trips) only in state
 * {@code ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS}; IAM and STS global events reach the us-east-1 bus only; a
 * central bus accepts member accounts' events only after {@code PutPermission} (conditioned on the organisation id).
 *
 * @since 0.1.0
 */
public final class EventBridgeSqsDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeSqsDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> API_EVENTS = Set.of("AWS API Call via CloudTrail");

    private final String source;
    private final SqsConsumer consumer;
    private final EventBridgeDetector parser;
    private final Duration clockSkew;

    private EventBridgeSqsDetector(Builder b) {
        this.source = b.source;
        this.clockSkew = b.clockSkew;
        this.parser = EventBridgeDetector.builder().source(b.source).build();
        this.consumer = new SqsConsumer(source, Objects.requireNonNull(b.sqs, "sqs"),
                Objects.requireNonNull(b.queueUrl, "queueUrl"), b.deadLetterQueueUrl, b.consumers,
                b.maxReceiveCount, b.visibilityTimeout, b.waitSeconds, b.maxPassDuration, b.clock);
    }

    /** A builder; the SQS client and the queue URL are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        CanaryIndex index = CanaryIndex.ofRecords(context.watchedCanaries(), clockSkew);
        SqsConsumer.Report r = consumer.run((body, messageId) -> handle(body, messageId, index, sink, context));
        SqsReports.report(context, r);
        LOG.debug("{}: {} messages, {} handled, {} skipped, {} failed", source, r.received(), r.processed(),
                r.skipped(), r.failed());
    }

    private SqsConsumer.Outcome handle(String body, String messageId, CanaryIndex index, Consumer<Sighting> sink,
                                       DetectorContext context) {
        String type = detailType(body);
        if (type != null && !API_EVENTS.contains(type)) {
            LOG.debug("{}: skipped message {}: detail-type {}", source, messageId, type);
            return SqsConsumer.Outcome.SKIPPED;
        }
        List<CloudTrailRecord> records = new ArrayList<>();
        ReadResult r = parser.parse(body, records::add);
        if (r.malformed() > 0 || records.isEmpty()) {
            throw new IllegalArgumentException("message " + messageId + " holds no readable CloudTrail event"
                    + (r.problems().isEmpty() ? "" : ": " + r.problems().get(0).message()));
        }
        for (CloudTrailRecord rec : records) {
            Instant time = rec.eventTime();
            if (time != null) {
                context.readUpTo(time);
            }
            var s = CloudTrailSightings.matchOrExposure(rec, source, index);
            if (s.isPresent()) {
                try {
                    sink.accept(s.get());
                } catch (RuntimeException e) {
                    throw new SqsConsumer.StoreFailure(e);
                }
            }
        }
        return SqsConsumer.Outcome.PROCESSED;
    }

    /** The {@code detail-type} of an event (inside an SNS notification too), or {@code null}. */
    private static @Nullable String detailType(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && "Notification".equals(n.path("Type").asText()) && n.path("Message").isTextual()) {
                n = JSON.readTree(n.get("Message").asText());
            }
            return n != null && n.path("detail-type").isTextual() ? n.get("detail-type").asText() : null;
        } catch (Exception e) {
            return null; // the parser reports what is wrong
        }
    }

    @Override
    public String toString() {
        return "EventBridgeSqsDetector[" + consumer + "]";
    }

    /**
     * Builder for {@link EventBridgeSqsDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "eventbridge-sqs";
        private @Nullable SqsClient sqs;
        private @Nullable String queueUrl;
        private @Nullable String deadLetterQueueUrl;
        private int consumers = 2;
        private int maxReceiveCount = 5;
        private Duration visibilityTimeout = Duration.ofMinutes(1);
        private int waitSeconds = 5;
        private Duration maxPassDuration = Duration.ofMinutes(5);
        private Duration clockSkew = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The SQS client (required; the caller closes it). */
        public Builder sqsClient(SqsClient v) {
            sqs = Objects.requireNonNull(v, "sqsClient");
            return this;
        }

        /** The queue the EventBridge rule targets (required). */
        public Builder queueUrl(String v) {
            queueUrl = Objects.requireNonNull(v, "queueUrl");
            return this;
        }

        /** The dead-letter queue for messages that keep failing (recommended). */
        public Builder deadLetterQueueUrl(String v) {
            deadLetterQueueUrl = Objects.requireNonNull(v, "deadLetterQueueUrl");
            return this;
        }

        /** Competing consumer threads in this process (default 2). */
        public Builder consumers(int v) {
            consumers = v;
            return this;
        }

        /** Receives after which a failing message is dead-lettered (default 5). */
        public Builder maxReceiveCount(int v) {
            maxReceiveCount = v;
            return this;
        }

        /** The visibility timeout asked on each receive and extended while a message is handled (default 1 minute). */
        public Builder visibilityTimeout(Duration v) {
            visibilityTimeout = Objects.requireNonNull(v, "visibilityTimeout");
            return this;
        }

        /** SQS long polling per receive, 0-20 s (default 5 s). */
        public Builder waitTime(Duration v) {
            waitSeconds = (int) Objects.requireNonNull(v, "waitTime").toSeconds();
            return this;
        }

        /** The longest a pass consumes (default 5 minutes). */
        public Builder maxPassDuration(Duration v) {
            maxPassDuration = io.canarykit.internal.Durations.positive(v, "eventbridge-sqs max-pass-duration");
            return this;
        }

        /** How far event times may fall outside a credential's validity window (default 1 minute). */
        public Builder clockSkew(Duration v) {
            clockSkew = io.canarykit.internal.Durations.nonNegative(v, "eventbridge-sqs clock-skew");
            return this;
        }

        /** The clock the pass's duration is measured with (default UTC system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The source name recorded in sightings (default {@code eventbridge-sqs}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if the client or the queue is missing, or a setting is out of range
         */
        public EventBridgeSqsDetector build() {
            if (sqs == null) {
                throw new CanaryConfigurationException("the eventbridge-sqs detector needs an SQS client");
            }
            if (queueUrl == null || queueUrl.isBlank()) {
                throw new CanaryConfigurationException("the eventbridge-sqs detector needs queue-url: the SQS queue the"
                        + " EventBridge rule targets");
            }
            SqsConsumer.check("eventbridge-sqs", consumers, maxReceiveCount, visibilityTimeout, waitSeconds);
            return new EventBridgeSqsDetector(this);
        }
    }
}
