package io.canarykit.aws.detect;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Sighting;
import io.canarykit.detect.DetectorContext;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code cloudtrail-s3} detector reads through the scanning engine: over a bucket (an in-memory S3 client) whose
 * day holds a decompression bomb and a one-line log file with a bad record in the middle, among ordinary files, every
 * sighting after them is still found, and every file is recorded as done.
 */
class CloudTrailS3DetectorTest {
    private static final String KEY = "AKIAQRSTUVWXYZ234567";
    private static final String ACCOUNT = "111122223333";
    private static final String DAY = "AWSLogs/" + ACCOUNT + "/CloudTrail/us-east-1/2026/03/14/";
    private static final Instant NOW = Instant.parse("2026-03-14T12:00:00Z");

    static String record(String id, String key) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::" + ACCOUNT
                + ":user/" + (key.equals(KEY) ? "deploy" : "someone-else") + "\",\"accountId\":\"" + ACCOUNT + "\",\"accessKeyId\":\"" + key + "\"},\"eventTime\":"
                + "\"2026-03-14T10:05:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                + "\"awsRegion\":\"us-east-1\",\"eventID\":\"" + id + "\"}";
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    private static String name(int n) {
        return ACCOUNT + "_CloudTrail_us-east-1_20260314T10" + n + "0Z_abcdefghijklmno" + n + ".json.gz";
    }

    /** An S3 client that answers ListObjectsV2 and GetObject from {@code objects} (key to bytes). */
    static S3Client bucket(TreeMap<String, byte[]> objects, List<String> fetched) {
        return (S3Client) Proxy.newProxyInstance(CloudTrailS3DetectorTest.class.getClassLoader(),
                new Class<?>[] {S3Client.class}, (proxy, m, args) -> {
                    if (m.getName().equals("listObjectsV2") && args.length == 1
                            && args[0] instanceof ListObjectsV2Request r) {
                        List<S3Object> contents = new ArrayList<>();
                        List<software.amazon.awssdk.services.s3.model.CommonPrefix> prefixes = new ArrayList<>();
                        for (String k : objects.keySet()) {
                            if (!k.startsWith(r.prefix()) || r.startAfter() != null && k.compareTo(r.startAfter()) <= 0) {
                                continue;
                            }
                            String rest = k.substring(r.prefix().length());
                            if (r.delimiter() != null && rest.contains(r.delimiter())) {
                                String p = r.prefix() + rest.substring(0, rest.indexOf(r.delimiter()) + 1);
                                if (prefixes.stream().noneMatch(x -> x.prefix().equals(p))) {
                                    prefixes.add(software.amazon.awssdk.services.s3.model.CommonPrefix.builder().prefix(p)
                                            .build());
                                }
                            } else {
                                contents.add(S3Object.builder().key(k).size((long) objects.get(k).length).build());
                            }
                        }
                        return ListObjectsV2Response.builder().contents(contents).commonPrefixes(prefixes)
                                .isTruncated(false).build();
                    }
                    if (m.getName().equals("getObject") && args.length == 1 && args[0] instanceof GetObjectRequest r) {
                        synchronized (fetched) {
                            fetched.add(r.key());
                        }
                        return new ResponseInputStream<>(GetObjectResponse.builder().build(),
                                AbortableInputStream.create(new ByteArrayInputStream(objects.get(r.key()))));
                    }
                    if (m.getName().equals("close")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void aBombAndABadRecordInTheMiddleOfALineHideNoSightingAfterThem() throws IOException {
        TreeMap<String, byte[]> objects = new TreeMap<>();
        objects.put(DAY + name(1), gzip(("{\"Records\":[" + record("f1", KEY) + "]}").getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(member)) {
            g.write(new byte[1 << 20]);
        }
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        for (int i = 0; i < 2048; i++) { // 2 GiB of zeros
            member.writeTo(bomb);
        }
        objects.put(DAY + name(2), bomb.toByteArray());
        ByteArrayOutputStream oneLine = new ByteArrayOutputStream();
        oneLine.writeBytes(("{\"Records\":[" + record("f3-good-a", KEY) + ",{\"eventID\":\"bad\",\"userIdentity\":"
                + "{\"accessKeyId\":\"" + KEY + "\"},\"userAgent\":\"").getBytes(StandardCharsets.UTF_8));
        oneLine.writeBytes(new byte[] {(byte) 0xC3, 0x28}); // invalid UTF-8
        oneLine.writeBytes(("\"}," + record("f3-good-b", KEY) + "]}").getBytes(StandardCharsets.UTF_8));
        objects.put(DAY + name(3), gzip(oneLine.toByteArray()));
        objects.put(DAY + name(4), gzip(("{\"Records\":[" + record("f4", KEY) + "," + record("other", "AKIAOTHER00000000000")
                + "]}").getBytes(StandardCharsets.UTF_8)));
        List<String> fetched = new ArrayList<>();
        CloudTrailS3Detector detector = CloudTrailS3Detector.builder().s3Client(bucket(objects, fetched))
                .bucket("trail").parallelism(2).build();
        Context context = new Context();
        List<Sighting> sightings = new ArrayList<>();

        detector.poll(context, sightings::add);

        assertThat(sightings).extracting(Sighting::sourceEventId).containsExactly("f1", "f3-good-a", "f3-good-b", "f4");
        assertThat(sightings).allSatisfy(s -> assertThat(s.canaryId()).isEqualTo(context.canary.id()));
        assertThat(fetched).containsExactlyInAnyOrderElementsOf(objects.keySet());
        assertThat(context.checkpoints.get("trail/" + DAY)).as("every file up to the last done, the bomb too")
                .isEqualTo("after=" + name(4) + ";done=");
    }

    /** A context with one canary (issued before the files), a fixed clock, checkpoints in a map. */
    static final class Context implements DetectorContext {
        final CanaryRecord canary = CanaryRecord.builder()
                .id(CanaryId.generate(Instant.parse("2026-03-14T09:00:00Z"), new Random(3)))
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.IAM_USER)
                .issuer("iam-user")
                .principal(Principal.iamUser(ACCOUNT, "/", "deploy"))
                .accessKeyId(KEY)
                .asset(Asset.of("host", "build-1"))
                .createdAt(Instant.parse("2026-03-14T09:00:00Z"))
                .issuedAt(Instant.parse("2026-03-14T09:00:00Z"))
                .build();
        final Map<String, String> checkpoints = new HashMap<>();

        @Override
        public Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Override
        public List<CanaryRecord> watchedCanaries() {
            return List.of(canary);
        }

        @Override
        public Optional<String> checkpoint(String key) {
            return Optional.ofNullable(checkpoints.get(key));
        }

        @Override
        public void saveCheckpoint(String key, String value) {
            checkpoints.put(key, value);
        }
    }
}
