package io.canarykit.detect;

import io.canarykit.CanaryId;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS quarantining a canary's user whose key was published: the {@code AttachUserPolicy} record names the user (in
 * {@code requestParameters.userName}) and is made by AWS, so it carries neither the canary's key nor its ARN. The fast
 * filter used to drop it; now the S3 path ({@link CloudTrailScan}, the fast path) and the LookupEvents/EventBridge path
 * ({@link CloudTrailSightings}, the general reader) both give it as an exposure notice of that canary, and the fast
 * path hands over exactly what the general reader gives.
 */
class QuarantineRecordScanTest {
    private static final Instant T0 = Instant.parse("2025-03-14T08:00:00Z");
    private static final CanaryKey CANARY = new CanaryKey(CanaryId.generate(T0, new java.util.Random(1)), "AKIACANARY0000000001",
            "arn:aws:iam::111122223333:user/ci/billing-ro", T0, null);
    private static final CanaryKey OTHER = new CanaryKey(CanaryId.generate(T0, new java.util.Random(2)), "AKIACANARY0000000002",
            "arn:aws:iam::111122223333:user/deploy", T0, null);
    private static final CanaryIndex INDEX = CanaryIndex.of(List.of(CANARY, OTHER));

    /** A record of AWS (not the canary) calling {@code eventName} on {@code user} in {@code account}. */
    private static String record(String id, String eventName, String user, String account, String policy,
                                 String error) {
        String params = eventName.equals("AttachUserPolicy")
                ? "{\"userName\":\"" + user + "\",\"policyArn\":\"" + policy + "\"}"
                : "{\"userName\":\"" + user + "\",\"policyName\":\"" + policy + "\",\"policyDocument\":\"{}\"}";
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"iam.amazonaws.com\"},"
                + "\"eventTime\":\"2025-03-14T09:00:0" + id.charAt(id.length() - 1) + "Z\","
                + "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"" + eventName + "\",\"awsRegion\":\"us-east-1\","
                + "\"sourceIPAddress\":\"iam.amazonaws.com\",\"userAgent\":\"iam.amazonaws.com\""
                + (error == null ? "" : ",\"errorCode\":\"" + error + "\"")
                + ",\"requestParameters\":" + params + ",\"responseElements\":null,\"requestID\":\"req-" + id + "\","
                + "\"eventID\":\"" + id + "\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
                + "\"recipientAccountId\":\"" + account + "\"}";
    }

    private static String unrelated(int n) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/u"
                + n + "\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAUNRELATED000000" + n + "\",\"userName\":\"u" + n
                + "\"},\"eventTime\":\"2025-03-14T09:01:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"GetUser\","
                + "\"requestParameters\":{\"userName\":\"u" + n + "\"},\"eventID\":\"u" + n + "\",\"recipientAccountId\":\"111122223333\"}";
    }

    /** One line, as S3 delivers it: the notices among other records, some that must not match. */
    private static byte[] logFile() {
        String q = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";
        List<String> records = List.of(
                unrelated(1),
                record("q1", "AttachUserPolicy", "billing-ro", "111122223333", q, null),
                unrelated(2),
                record("q2", "AttachUserPolicy", "billing-ro", "999988887777", q, null), // same name, another account
                record("q3", "AttachUserPolicy", "billing-ro", "111122223333", q, "AccessDenied"), // failed
                record("q4", "AttachUserPolicy", "billing-ro", "111122223333",
                        "arn:aws:iam::aws:policy/ReadOnlyAccess", null), // another policy
                record("q5", "PutUserPolicy", "billing\\u002dro", "111122223333", // an escaped name hides nothing
                        "AWSExposedCredentialPolicy_DO_NOT_REMOVE", null),
                record("q6", "AttachUserPolicy", "someone-else", "111122223333", q, null),
                record("q7", "AttachUserPolicy", "ci/billing-ro", "111122223333", q, null), // a path is no user name
                unrelated(3));
        return ("{\"Records\":[" + String.join(",", records) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void theQuarantineRecordNamingTheUserIsNotDroppedByTheFastFilter() throws IOException {
        CloudTrailReader reader = CloudTrailReader.create();
        for (byte[] file : List.of(logFile(), gzip(logFile()))) {
            List<CloudTrailRecord> fast = new ArrayList<>();
            ReadResult r = reader.read(new ByteArrayInputStream(file), "s3://trail/x.json.gz", INDEX.filter(), fast::add);
            List<CloudTrailRecord> general = new ArrayList<>();
            reader.read(new ByteArrayInputStream(file), "s3://trail/x.json.gz", rec -> {
                if (INDEX.filter().test(rec)) {
                    general.add(rec);
                }
            });
            assertThat(r.records()).isEqualTo(10);
            assertThat(r.malformed()).isZero();
            // every record naming the canary's user passes (the account and the call are the index's to check)
            assertThat(fast).extracting(CloudTrailRecord::eventId).containsExactly("q1", "q2", "q3", "q4", "q5");
            assertThat(fast).isEqualTo(general);
            assertThat(fast.get(0).requestParameters().userName()).isEqualTo("billing-ro");
            assertThat(fast.get(4).requestParameters().userName()).isEqualTo("billing-ro");

            List<Sighting> sightings = new ArrayList<>();
            CloudTrailScan.of(INDEX).scan(new ByteArrayInputStream(file), "s3://trail/x.json.gz",
                    m -> sightings.add(m.sighting("cloudtrail-s3")));
            assertThat(sightings).extracting(Sighting::sourceEventId).containsExactly("q1", "q5");
            for (Sighting s : sightings) {
                assertThat(s.kind()).isEqualTo(SightingKind.EXPOSURE_NOTICE);
                assertThat(s.canaryId()).isEqualTo(CANARY.canaryId());
                assertThat(s.accessKeyId()).isEqualTo(CANARY.accessKeyId());
                assertThat(s.principalArn()).isEqualTo(CANARY.principalArn());
            }
        }
    }

    @Test
    void aLookedUpQuarantineRecordIsAnExposureNoticeOfTheCanary() {
        CloudTrailReader reader = CloudTrailReader.create();
        List<CloudTrailRecord> records = new ArrayList<>();
        reader.read(record("q1", "AttachUserPolicy", "billing-ro", "111122223333",
                "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2", null), "LookupEvents", records::add);
        reader.read(record("q4", "AttachUserPolicy", "billing-ro", "111122223333",
                "arn:aws:iam::aws:policy/ReadOnlyAccess", null), "LookupEvents", records::add);
        assertThat(CloudTrailSightings.matchOrExposure(records.get(0), "cloudtrail-lookup", INDEX)).hasValueSatisfying(s -> {
            assertThat(s.kind()).isEqualTo(SightingKind.EXPOSURE_NOTICE);
            assertThat(s.canaryId()).isEqualTo(CANARY.canaryId());
            assertThat(s.call()).isEqualTo("AttachUserPolicy");
        });
        assertThat(CloudTrailSightings.matchOrExposure(records.get(1), "cloudtrail-lookup", INDEX)).isEmpty();
    }
}
