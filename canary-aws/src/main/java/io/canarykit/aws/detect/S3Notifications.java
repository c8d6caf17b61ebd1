package io.canarykit.aws.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the S3 {@code ObjectCreated} notifications an SQS queue receives for a trail bucket, in the three shapes AWS
 * delivers: an S3 event notification ({@code {"Records":[{"eventSource":"aws:s3",…}]}}, keys URL-encoded), the same
 * inside an SNS notification's {@code Message} (S3 → SNS → SQS without raw delivery), and an EventBridge
 * "Object Created" event ({@code source} {@code aws.s3}; keys not encoded). A message body is untrusted input: anything
 * else is {@link Kind#UNRECOGNISED}, never thrown.
 */
final class S3Notifications {
    /** At most this many nested SNS envelopes are opened. */
    private static final int MAX_DEPTH = 3;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(2 << 20).build())
            .build());
    /** A log file: {@code [prefix/]AWSLogs/[o-…/]<account>/CloudTrail/<region>/…}. */
    private static final Pattern LOG_FILE = Pattern.compile("(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?\\d{12}/CloudTrail/[^/]+/.+");
    private static final Pattern DIGEST = Pattern.compile("(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?\\d{12}/CloudTrail-(?:Digest|Insight)/");

    private S3Notifications() {
    }

    /** What a message is. */
    enum Kind {
        /** One or more objects were created: read the log files among them. */
        OBJECTS,
        /** Nothing to read: a test event, another event type; delete the message. */
        SKIP,
        /** Not a notification this detector knows: retried, then dead-lettered. */
        UNRECOGNISED
    }

    /** An object named by a notification. */
    record ObjectRef(String bucket, String key, long size) {
        /** True for a CloudTrail log file (not a digest, an Insight file or anything else in the bucket). */
        boolean isLogFile() {
            return LOG_FILE.matcher(key).find() && !DIGEST.matcher(key).find();
        }

        /** True for a digest or Insight file. */
        boolean isDigestOrInsight() {
            return DIGEST.matcher(key).find();
        }
    }

    /** A message, read. */
    record Parsed(Kind kind, List<ObjectRef> objects, @Nullable String why) {
        static Parsed skip(String why) {
            return new Parsed(Kind.SKIP, List.of(), why);
        }

        static Parsed unrecognised(String why) {
            return new Parsed(Kind.UNRECOGNISED, List.of(), why);
        }
    }

    /** Reads a message body. */
    static Parsed parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            return Parsed.unrecognised("the message body is not JSON");
        }
        return parse(root, 0);
    }

    private static Parsed parse(JsonNode root, int depth) {
        if (root == null || !root.isObject()) {
            return Parsed.unrecognised("the message body is not a JSON object");
        }
        if ("Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()) {
            if (depth >= MAX_DEPTH) {
                return Parsed.unrecognised("SNS notifications nested too deep");
            }
            try {
                return parse(JSON.readTree(root.get("Message").asText()), depth + 1);
            } catch (Exception e) {
                return Parsed.unrecognised("the SNS notification's Message is not JSON");
            }
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return Parsed.skip("s3:TestEvent");
        }
        if ("aws.s3".equals(root.path("source").asText()) && root.has("detail-type")) {
            String type = root.path("detail-type").asText();
            if (!"Object Created".equals(type)) {
                return Parsed.skip("EventBridge S3 event " + type);
            }
            JsonNode d = root.path("detail");
            String bucket = d.path("bucket").path("name").asText(null);
            String key = d.path("object").path("key").asText(null);
            if (bucket == null || key == null || bucket.isEmpty() || key.isEmpty()) {
                return Parsed.unrecognised("an Object Created event without bucket or key");
            }
            return new Parsed(Kind.OBJECTS, List.of(new ObjectRef(bucket, key, d.path("object").path("size").asLong(-1))),
                    null);
        }
        JsonNode records = root.get("Records");
        if (records != null && records.isArray()) {
            List<ObjectRef> out = new ArrayList<>();
            int other = 0;
            for (JsonNode r : records) {
                if (!"aws:s3".equals(r.path("eventSource").asText())) {
                    return Parsed.unrecognised("a record that is no S3 event (eventSource "
                            + r.path("eventSource").asText("missing") + ")");
                }
                if (!r.path("eventName").asText().startsWith("ObjectCreated:")) {
                    other++;
                    continue;
                }
                String bucket = r.path("s3").path("bucket").path("name").asText(null);
                String encoded = r.path("s3").path("object").path("key").asText(null);
                if (bucket == null || encoded == null || bucket.isEmpty() || encoded.isEmpty()) {
                    return Parsed.unrecognised("an S3 event without bucket or key");
                }
                String key;
                try {
                    key = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return Parsed.unrecognised("an S3 event whose key is not URL-encoded properly");
                }
                out.add(new ObjectRef(bucket, key, r.path("s3").path("object").path("size").asLong(-1)));
            }
            if (out.isEmpty()) {
                return other > 0 ? Parsed.skip(other + " S3 event(s) other than ObjectCreated")
                        : Parsed.unrecognised("an S3 notification without records");
            }
            return new Parsed(Kind.OBJECTS, out, null);
        }
        return Parsed.unrecognised("not an S3 notification (S3 event, SNS notification or EventBridge Object Created)");
    }
}
