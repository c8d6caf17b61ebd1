package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An object written to the trail bucket, as S3 event notifications announce it. Render it in the shape your pipeline
 * delivers to SQS: {@link #s3EventJson()} (S3 → SQS directly), {@link #snsEnvelopeJson(String)} (S3 → SNS → SQS,
 * without raw message delivery) or {@link #eventBridgeJson()} (S3 → EventBridge → SQS, "Object Created"). The shapes
 * follow the S3 user guide's "Event message structure" pages; as in AWS, only the first one URL-encodes the key.
 *
 * @param bucket    the bucket name
 * @param key       the object key (not encoded)
 * @param size      the object's size in bytes
 * @param etag      the object's ETag (hex, without quotes)
 * @param eventTime when the object was written
 * @param sequencer S3's ordering hint for events on one key (hex)
 * @param account   the bucket owner's account
 * @param region    the bucket's region
 *
 * @since 0.1.0
 */
public record S3ObjectCreated(String bucket, String key, long size, String etag, Instant eventTime, String sequencer,
                              String account, String region) {
    public S3ObjectCreated {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(sequencer, "sequencer");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
    }

    /** The S3 event notification ({@code {"Records":[{"eventSource":"aws:s3",…}]}}) S3 sends to an SQS queue. */
    public String s3EventJson() {
        ObjectNode root = Wire.JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", region);
        r.put("eventTime", eventTime.toString());
        r.put("eventName", "ObjectCreated:Put");
        r.putObject("userIdentity").put("principalId", "AWS:AROAEXAMPLECLOUDTRAIL:regionalDeliverySession");
        r.putObject("requestParameters").put("sourceIPAddress", "203.0.113.10");
        r.putObject("responseElements").put("x-amz-request-id", sequencer).put("x-amz-id-2", etag);
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "canarykit-trail-notifications");
        ObjectNode b = s3.putObject("bucket");
        b.put("name", bucket);
        b.putObject("ownerIdentity").put("principalId", "A3NL1KOZZKExample");
        b.put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode o = s3.putObject("object");
        o.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        o.put("size", size);
        o.put("eTag", etag);
        o.put("sequencer", sequencer);
        return root.toString();
    }

    /** The SNS notification whose {@code Message} is {@link #s3EventJson()}, as an SQS subscription receives it. */
    public String snsEnvelopeJson(String topicArn) {
        Objects.requireNonNull(topicArn, "topicArn");
        ObjectNode n = Wire.JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", UUID.nameUUIDFromBytes((key + sequencer).getBytes(StandardCharsets.UTF_8)).toString());
        n.put("TopicArn", topicArn);
        n.put("Subject", "Amazon S3 Notification");
        n.put("Message", s3EventJson());
        n.put("Timestamp", eventTime.toString());
        n.put("SignatureVersion", "1");
        n.put("Signature", "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=");
        n.put("SigningCertURL", "https://sns." + region + ".amazonaws.com/SimpleNotificationService-example.pem");
        n.put("UnsubscribeURL", "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + topicArn + ":example");
        return n.toString();
    }

    /** The EventBridge "Object Created" event S3 sends when the bucket has EventBridge notifications on. */
    public String eventBridgeJson() {
        ObjectNode e = Wire.JSON.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.nameUUIDFromBytes((sequencer + key).getBytes(StandardCharsets.UTF_8)).toString());
        e.put("detail-type", "Object Created");
        e.put("source", "aws.s3");
        e.put("account", account);
        e.put("time", eventTime.toString());
        e.put("region", region);
        e.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode d = e.putObject("detail");
        d.put("version", "0");
        d.putObject("bucket").put("name", bucket);
        ObjectNode o = d.putObject("object");
        o.put("key", key);
        o.put("size", size);
        o.put("etag", etag);
        o.put("sequencer", sequencer);
        d.put("request-id", sequencer);
        d.put("requester", "cloudtrail.amazonaws.com");
        d.put("source-ip-address", "203.0.113.10");
        d.put("reason", "PutObject");
        return e.toString();
    }

    /** The {@code s3:TestEvent} S3 sends to a queue when notifications are first configured for {@code bucket}. */
    public static String testEventJson(String bucket, Instant time) {
        ObjectNode t = Wire.JSON.createObjectNode();
        t.put("Service", "Amazon S3");
        t.put("Event", "s3:TestEvent");
        t.put("Time", time.toString());
        t.put("Bucket", bucket);
        t.put("RequestId", "5582815E1AEA5ADF");
        t.put("HostId", "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE");
        return t.toString();
    }
}
