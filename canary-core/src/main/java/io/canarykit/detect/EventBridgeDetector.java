package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadProblem;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.cloudtrail.RecordShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Detector {@code eventbridge}: turns EventBridge "AWS API Call via CloudTrail" events, as a Lambda function or an SQS
 * consumer receives them, into sightings. It needs no AWS SDK: hand it each event with {@link #offer(String)}, then
 * run the {@link DetectionEngine} (or let its next pass drain the queue), and acknowledge the message only after that
 * pass returned, so that a crash in between redelivers rather than loses it.
 *
 * <p>{@link #offer(String)} accepts an EventBridge event (a Lambda's input, or an SQS message body), a Lambda SQS batch
 * ({@code {"Records":[{"body":"<event>",…}]}}), an SNS notification whose {@code Message} is the event, and anything
 * else {@link CloudTrailReader} reads (bare records, arrays, JSON Lines).
 *
 * <p>AWS telling that a key is published ({@link ExposureNotices}: its quarantine policy attached to a canary's user,
 * an AWS Health {@code AWS_RISK_CREDENTIALS_EXPOSED} event) becomes an exposure-notice sighting of that canary; route
 * IAM {@code AttachUserPolicy}/{@code PutUserPolicy} calls and {@code aws.health} events to the same queue.
 *
 * <p>Rules deliver IAM and other global events only to the us-east-1 default bus, and read-only calls
 * ({@code Get*}, {@code List*}, {@code Describe*}: almost every canary trip) only to rules in state
 * {@code ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS}.
 *
 * <p>Thread-safe: events may be offered from several threads while a pass drains the queue.
 *
 * @since 0.1.0
 */
public final class EventBridgeDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final CloudTrailReader reader;
    private final Duration clockSkew;
    private final ConcurrentLinkedQueue<CloudTrailRecord> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<JsonNode> notices = new ConcurrentLinkedQueue<>();

    private EventBridgeDetector(Builder b) {
        this.source = b.source;
        this.reader = b.reader;
        this.clockSkew = b.clockSkew;
    }

    /** A detector named {@code eventbridge}. */
    public static EventBridgeDetector create() {
        return builder().build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    /**
     * Parses one delivery and queues its records for the next pass. Malformed input is reported in the result, never
     * thrown.
     */
    public ReadResult offer(String json) {
        Objects.requireNonNull(json, "json");
        List<CloudTrailRecord> records = new ArrayList<>();
        List<JsonNode> found = new ArrayList<>();
        ReadResult result = parse(json, records::add, leaf -> {
            if (ExposureNotices.mayHold(leaf)) {
                try {
                    found.add(JSON.readTree(leaf));
                } catch (JsonProcessingException e) {
                    // the reader reports it
                }
            }
        });
        queue.addAll(records);
        notices.addAll(found);
        LOG.debug("queued {} records from an EventBridge delivery ({} malformed)", records.size(), result.malformed());
        return result;
    }

    /** How many records (and exposure notices) wait for the next pass. */
    public int pending() {
        return queue.size() + notices.size();
    }

    /**
     * Parses one delivery (event, SQS batch, SNS notification, or anything the reader reads) into records.
     *
     * @param consumer receives each record
     */
    public ReadResult parse(String json, Consumer<CloudTrailRecord> consumer) {
        return parse(json, consumer, leaf -> { });
    }

    /** As {@link #parse(String, Consumer)}, also handing each innermost event text to {@code leaves}. */
    private ReadResult parse(String json, Consumer<CloudTrailRecord> consumer, Consumer<String> leaves) {
        JsonNode root = null;
        String trimmed = json.stripLeading();
        if (trimmed.startsWith("{") && (json.contains("\"body\"") || json.contains("\"Message\""))) {
            try {
                root = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                root = null; // let the reader report where it is broken
            }
        }
        if (root != null && root.path("Records").isArray() && root.path("Records").size() > 0
                && root.path("Records").get(0).path("body").isTextual()) {
            List<ReadResult> parts = new ArrayList<>();
            int i = 0;
            for (JsonNode message : root.path("Records")) {
                String name = "sqs-message[" + i++ + "]" + (message.hasNonNull("messageId") ? " " + message.get("messageId").asText() : "");
                JsonNode body = message.path("body");
                if (!body.isTextual()) {
                    parts.add(new ReadResult(name, 0, 1, List.of(new ReadProblem(name, 0, 0, -1,
                            "an SQS message without a text body")), Set.of(), false, 0));
                    continue;
                }
                parts.add(rename(parse(body.asText(), consumer, leaves), name));
            }
            return merge("sqs-batch", parts);
        }
        if (root != null && "Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()) {
            return rename(parse(root.get("Message").asText(), consumer, leaves), "sns-notification");
        }
        leaves.accept(json);
        return reader.read(json, "eventbridge-event", consumer);
    }

    private static ReadResult rename(ReadResult r, String name) {
        List<ReadProblem> problems = new ArrayList<>();
        for (ReadProblem p : r.problems()) {
            problems.add(new ReadProblem(name, p.line(), p.column(), p.byteOffset(), p.message()));
        }
        return new ReadResult(name, r.records(), r.malformed(), problems, r.shapes(), r.gzipped(), r.bytes());
    }

    private static ReadResult merge(String name, List<ReadResult> parts) {
        long records = 0;
        long malformed = 0;
        long bytes = 0;
        List<ReadProblem> problems = new ArrayList<>();
        Set<RecordShape> shapes = EnumSet.noneOf(RecordShape.class);
        for (ReadResult r : parts) {
            records += r.records();
            malformed += r.malformed();
            bytes += r.bytes();
            problems.addAll(r.problems());
            shapes.addAll(r.shapes());
        }
        return new ReadResult(name, records, malformed, problems, shapes, false, bytes);
    }

    /** Hands the queued records that match a watched canary to {@code sink}; the others are dropped. */
    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        for (JsonNode n = notices.peek(); n != null; n = notices.peek()) {
            for (Sighting s : ExposureNotices.sightings(n, source, context.watchedCanaries())) {
                sink.accept(s); // stored before it returns
            }
            notices.poll();
        }
        if (queue.isEmpty()) {
            return;
        }
        CanaryIndex index = CanaryIndex.ofRecords(context.watchedCanaries(), clockSkew);
        int matched = 0;
        int dropped = 0;
        for (CloudTrailRecord r = queue.peek(); r != null; r = queue.peek()) {
            Instant time = r.eventTime();
            if (time != null) {
                context.readUpTo(time);
            }
            var s = CloudTrailSightings.match(r, source, index);
            if (s.isPresent()) {
                sink.accept(s.get()); // stored before it returns
                matched++;
            } else {
                dropped++;
            }
            queue.poll(); // only after the sink took it: a failing store leaves it queued
        }
        LOG.debug("eventbridge: {} sightings, {} records of no watched canary", matched, dropped);
    }

    @Override
    public String toString() {
        return "EventBridgeDetector[" + source + ", " + queue.size() + " queued]";
    }

    /**
     * Builder for {@link EventBridgeDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "eventbridge";
        private CloudTrailReader reader = CloudTrailReader.create();
        private Duration clockSkew = Duration.ofMinutes(1);

        private Builder() {
        }

        /** The source name recorded in its sightings (default {@code eventbridge}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /** The reader (default {@link CloudTrailReader#create()}). */
        public Builder reader(CloudTrailReader v) {
            reader = Objects.requireNonNull(v, "reader");
            return this;
        }

        /** How far event times may fall outside a credential's validity window and still match (default 1 min). */
        public Builder clockSkew(Duration v) {
            Objects.requireNonNull(v, "clockSkew");
            if (v.isNegative()) {
                throw new IllegalArgumentException("clockSkew must not be negative: " + v);
            }
            clockSkew = v;
            return this;
        }

        /** Builds the detector (with an empty queue). */
        public EventBridgeDetector build() {
            return new EventBridgeDetector(this);
        }
    }
}
