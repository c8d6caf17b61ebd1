package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.ReadResult;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Detector {@code cloudtrail-sqs}: watches an (organisation) trail the way SIEMs do, from the S3 {@code ObjectCreated}
 * notifications of its bucket delivered to an SQS queue, consumed by any number of competing workers (threads here,
 * and every other process running this detector on the same queue).
 *
 * <ul>
 *   <li>All three shapes AWS delivers are read: S3 → SQS, S3 → SNS → SQS (the SNS envelope), and EventBridge
 *       "Object Created" events (see {@link S3Notifications}). {@code s3:TestEvent}, other S3 events, digest and
 *       Insight files and other objects of the bucket are skipped (the message is deleted).</li>
 *   <li>Each new log file is streamed from S3 (never written to disk) through the fast scanner; its sightings are
 *       stored (idempotently, by event id) before the message is deleted. A worker that dies in the middle of a file
 *       leaves the message to reappear after the visibility timeout; the next worker stores what is missing and
 *       nothing twice.</li>
 *   <li>While a file is read, the message's visibility timeout is extended, so a large file is never read by two
 *       workers at once.</li>
 *   <li>A file that keeps failing (cannot be read, is malformed or truncated, names a bucket that is not watched) goes
 *       to the dead-letter queue once it has been received {@link Builder#maxReceiveCount} times, and is reported in
 *       the pass's summary; so is a dead-letter queue that is not empty. Nothing is dropped silently.</li>
 * </ul>
 * A pass ends when the queue is empty for a receive, or after {@link Builder#maxPassDuration}. Thread-safe for one
 * poll at a time.
 *
 * @since 0.1.0
 */
public final class CloudTrailSqsDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(CloudTrailSqsDetector.class);

    private final String source;
    private final SqsConsumer consumer;
    private final S3Client s3;
    private final Set<String> buckets;
    private final LogScanner scanner;
    private final Duration clockSkew;
    private final AtomicLong filesRead = new AtomicLong();
    private volatile SqsConsumer.@Nullable Report lastReport;

    private CloudTrailSqsDetector(Builder b) {
        this.source = b.source;
        this.s3 = Objects.requireNonNull(b.s3, "s3"); // build() checked it
        this.buckets = Set.copyOf(b.buckets);
        this.scanner = b.scanner != null ? b.scanner : LogScanner.of(b.reader);
        this.clockSkew = b.clockSkew;
        this.consumer = new SqsConsumer(source, Objects.requireNonNull(b.sqs, "sqs"),
                Objects.requireNonNull(b.queueUrl, "queueUrl"), b.deadLetterQueueUrl, b.consumers,
                b.maxReceiveCount, b.visibilityTimeout, b.waitSeconds, b.maxPassDuration, b.clock);
    }

    /** A builder; the SQS and S3 clients, the queue URL and the trail bucket are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    /** Log files read since this detector was built (every read counts, re-reads after a failure too). */
    public long filesRead() {
        return filesRead.get();
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        List<CanaryRecord> watched = context.watchedCanaries();
        CanaryIndex index = CanaryIndex.ofRecords(watched, clockSkew);
        Consumer<Sighting> storing = s -> {
            try {
                sink.accept(s);
            } catch (RuntimeException e) {
                throw new SqsConsumer.StoreFailure(e);
            }
        };
        SqsConsumer.Report r = consumer.run((body, messageId) -> handle(body, index, storing, context));
        lastReport = r;
        SqsReports.report(context, r);
        LOG.debug("{}: {} messages, {} with log files read, {} skipped, {} failed", source, r.received(), r.processed(),
                r.skipped(), r.failed());
    }

    /** What the last pass did, or {@code null} before the first. */
    SqsConsumer.@Nullable Report lastReport() {
        return lastReport;
    }

    private SqsConsumer.Outcome handle(String body, CanaryIndex index, Consumer<Sighting> sink, DetectorContext context)
            throws IOException {
        S3Notifications.Parsed p = S3Notifications.parse(body);
        switch (p.kind()) {
            case SKIP -> {
                LOG.debug("{}: skipped a message: {}", source, p.why());
                return SqsConsumer.Outcome.SKIPPED;
            }
            case UNRECOGNISED -> throw new IllegalArgumentException("unrecognised message: " + p.why());
            default -> {
            }
        }
        boolean read = false;
        for (S3Notifications.ObjectRef o : p.objects()) {
            if (!buckets.contains(o.bucket())) {
                throw new IllegalArgumentException("the notification names bucket '" + o.bucket()
                        + "', which is not a watched trail bucket " + buckets);
            }
            if (!o.isLogFile()) {
                LOG.debug("{}: skipped s3://{}/{} ({})", source, o.bucket(), o.key(),
                        o.isDigestOrInsight() ? "digest or Insight file" : "not a CloudTrail log file");
                continue;
            }
            readFile(o, index, sink, context);
            read = true;
        }
        return read ? SqsConsumer.Outcome.PROCESSED : SqsConsumer.Outcome.SKIPPED;
    }

    private void readFile(S3Notifications.ObjectRef o, CanaryIndex index, Consumer<Sighting> sink,
                          DetectorContext context) throws IOException {
        String name = "s3://" + o.bucket() + "/" + o.key();
        ReadResult r;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(o.bucket()).key(o.key()))) {
            filesRead.incrementAndGet();
            r = scanner.scan(in, name, index, source, sink);
            context.readUpTo(in.response().lastModified()); // when CloudTrail delivered the file just read
        }
        if (r.malformed() > 0) {
            throw new IOException(name + " could not be read whole (" + r.malformed() + " malformed part(s), first: "
                    + (r.problems().isEmpty() ? "?" : r.problems().get(0).message()) + "); the records before were read");
        }
    }

    @Override
    public String toString() {
        return "CloudTrailSqsDetector[" + consumer + ", buckets " + buckets + "]";
    }

    /**
     * Builder for {@link CloudTrailSqsDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "cloudtrail-sqs";
        private @Nullable SqsClient sqs;
        private @Nullable S3Client s3;
        private @Nullable String queueUrl;
        private @Nullable String deadLetterQueueUrl;
        private final Set<String> buckets = new LinkedHashSet<>();
        private int consumers = 4;
        private int maxReceiveCount = 5;
        private Duration visibilityTimeout = Duration.ofMinutes(5);
        private int waitSeconds = 5;
        private Duration maxPassDuration = Duration.ofMinutes(5);
        private Duration clockSkew = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private CloudTrailReader reader = CloudTrailReader.create();
        private @Nullable LogScanner scanner;

        private Builder() {
        }

        /** The SQS client (required; the caller closes it). */
        public Builder sqsClient(SqsClient v) {
            sqs = Objects.requireNonNull(v, "sqsClient");
            return this;
        }

        /** The S3 client that reads the trail bucket (required; the caller closes it). */
        public Builder s3Client(S3Client v) {
            s3 = Objects.requireNonNull(v, "s3Client");
            return this;
        }

        /** The queue receiving the bucket's notifications (required). */
        public Builder queueUrl(String v) {
            queueUrl = Objects.requireNonNull(v, "queueUrl");
            return this;
        }

        /**
         * The dead-letter queue files that keep failing are moved to (recommended). Without it, such messages are
         * reported and left to the queue's own redrive policy.
         */
        public Builder deadLetterQueueUrl(String v) {
            deadLetterQueueUrl = Objects.requireNonNull(v, "deadLetterQueueUrl");
            return this;
        }

        /** The trail bucket(s) notifications may name (required); a message naming another is a failure. */
        public Builder buckets(Collection<String> v) {
            buckets.clear();
            buckets.addAll(v);
            return this;
        }

        /** Competing consumer threads in this process (default 4). */
        public Builder consumers(int v) {
            consumers = v;
            return this;
        }

        /** Receives after which a failing message is dead-lettered (default 5). */
        public Builder maxReceiveCount(int v) {
            maxReceiveCount = v;
            return this;
        }

        /** The visibility timeout asked on each receive and extended while a file is read (default 5 minutes). */
        public Builder visibilityTimeout(Duration v) {
            visibilityTimeout = Objects.requireNonNull(v, "visibilityTimeout");
            return this;
        }

        /** SQS long polling per receive, 0-20 s (default 5 s); an empty receive ends a consumer's pass. */
        public Builder waitTime(Duration v) {
            waitSeconds = (int) Objects.requireNonNull(v, "waitTime").toSeconds();
            return this;
        }

        /** The longest a pass consumes (default 5 minutes); then the messages left wait for the next pass. */
        public Builder maxPassDuration(Duration v) {
            maxPassDuration = io.canarykit.internal.Durations.positive(v, "cloudtrail-sqs max-pass-duration");
            return this;
        }

        /** How far event times may fall outside a credential's validity window (default 1 minute). */
        public Builder clockSkew(Duration v) {
            clockSkew = io.canarykit.internal.Durations.nonNegative(v, "cloudtrail-sqs clock-skew");
            return this;
        }

        /** The clock the pass's duration is measured with (default UTC system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The reader (default {@link CloudTrailReader#create()}). */
        public Builder reader(CloudTrailReader v) {
            reader = Objects.requireNonNull(v, "reader");
            return this;
        }

        /** How files are read (tests; default the reader's fast path). */
        Builder scanner(LogScanner v) {
            scanner = Objects.requireNonNull(v, "scanner");
            return this;
        }

        /** The source name recorded in sightings (default {@code cloudtrail-sqs}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if a client, the queue or the bucket is missing, or a setting is out
         *                                      of range
         */
        public CloudTrailSqsDetector build() {
            if (sqs == null || s3 == null) {
                throw new CanaryConfigurationException("the cloudtrail-sqs detector needs an SQS client and an S3 client");
            }
            if (queueUrl == null || queueUrl.isBlank()) {
                throw new CanaryConfigurationException("the cloudtrail-sqs detector needs queue-url: the SQS queue the"
                        + " trail bucket's notifications go to");
            }
            if (buckets.isEmpty()) {
                throw new CanaryConfigurationException("the cloudtrail-sqs detector needs bucket: the trail bucket its"
                        + " notifications may name");
            }
            SqsConsumer.check("cloudtrail-sqs", consumers, maxReceiveCount, visibilityTimeout, waitSeconds);
            return new CloudTrailSqsDetector(this);
        }
    }
}
