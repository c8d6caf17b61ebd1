package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrailDeliveryIT {
    static final ObjectMapper JSON = new ObjectMapper();

    private static String gunzip(byte[] gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void logFilesAreDeliveredAfterTheDelayInTheRealLayout() throws Exception {
        MutableClock clock = MutableClock.at(Instant.parse("2026-03-14T09:27:00Z"));
        try (AwsEmulator aws = AwsEmulator.builder().account("111122223333").clock(clock)
                .trailDeliveryDelay(Duration.ofMinutes(5)).start()) {
            EmulatedCredentials canary = aws.createUserWithKey("111122223333", "svc-backup-91c2", Map.of("deny", Policies.DENY_ALL));
            assertThatThrownBy(() -> aws.iam(canary).listUsers()).isInstanceOf(software.amazon.awssdk.services.iam.model.IamException.class);
            S3Client s3 = aws.s3();
            String bucket = aws.trailBucket();
            assertThat(bucket).startsWith("aws-cloudtrail-logs-111122223333-");
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();

            clock.advance(Duration.ofMinutes(4));
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
            clock.advance(Duration.ofMinutes(1));
            ListObjectsV2Response listed = s3.listObjectsV2(b -> b.bucket(bucket)
                    .prefix("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/"));
            assertThat(listed.contents()).hasSize(1);
            S3Object o = listed.contents().get(0);
            assertThat(o.key()).matches("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/"
                    + "111122223333_CloudTrail_us-east-1_20260314T0932Z_[A-Za-z0-9]{16}\\.json\\.gz");
            assertThat(o.size()).isPositive();

            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()));
            byte[] gz = bytes.asByteArray();
            assertThat(gz[0] & 0xFF).isEqualTo(0x1f);
            assertThat(gz[1] & 0xFF).isEqualTo(0x8b);
            JsonNode records = JSON.readTree(gunzip(gz)).path("Records");
            assertThat(records.isArray()).isTrue();
            List<String> names = new ArrayList<>();
            records.forEach(r -> names.add(r.path("eventName").asText()));
            assertThat(names).containsExactly("ListUsers");
            assertThat(records.get(0).path("errorCode").asText()).isEqualTo("AccessDenied");
            assertThat(records.get(0).path("userIdentity").path("accessKeyId").asText()).isEqualTo(canary.accessKeyId());
            // S3 data events (the reads above) are not in the trail; ListBuckets, a management event, would be
            assertThat(aws.trailRecords()).extracting(TrailRecord::eventName).doesNotContain("ListObjectsV2", "GetObject");
            assertThat(aws.logFiles()).singleElement().satisfies(f -> assertThat(f.json()).contains("svc-backup-91c2"));

            assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("AWSLogs/missing.json.gz")))
                    .isInstanceOf(NoSuchKeyException.class);
            assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket("no-such-bucket")))
                    .isInstanceOf(NoSuchBucketException.class);
            assertThat(s3.headObject(b -> b.bucket(bucket).key(o.key())).contentLength()).isEqualTo(o.size());
            assertThat(s3.listBuckets().buckets()).extracting(x -> x.name()).containsExactly(bucket);
        }
    }

    @Test
    void listingWithMaxKeysZeroIsAnEmptyPageThatIsNotTruncated() {
        // was a NullPointerException (a 500): the page took no key, and the token was made from the last key taken
        MutableClock clock = MutableClock.at(Instant.parse("2026-03-14T23:50:00Z"));
        try (AwsEmulator aws = AwsEmulator.builder().clock(clock).trailDeliveryDelay(Duration.ZERO).start()) {
            aws.iam().getAccountSummary();
            clock.advance(Duration.ofMinutes(1));
            aws.deliverNow();
            String bucket = aws.trailBucket();
            S3Client s3 = aws.s3();
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isNotEmpty();

            ListObjectsV2Response v2 = s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(0));
            assertThat(v2.contents()).isEmpty();
            assertThat(v2.keyCount()).isZero();
            assertThat(v2.isTruncated()).isFalse();
            assertThat(v2.nextContinuationToken()).isNull();
            ListObjectsResponse v1 = s3.listObjects(b -> b.bucket(bucket).maxKeys(0).encodingType("url"));
            assertThat(v1.contents()).isEmpty();
            assertThat(v1.isTruncated()).isFalse();
            assertThat(v1.nextMarker()).isNull();
        }
    }

    @Test
    void listObjectsV2PagesWithContinuationTokensAndDelimiters() throws Exception {
        MutableClock clock = MutableClock.at(Instant.parse("2026-03-14T23:50:00Z"));
        try (AwsEmulator aws = AwsEmulator.builder().clock(clock).trailDeliveryDelay(Duration.ZERO).start()) {
            for (int i = 0; i < 7; i++) {
                aws.iam().getAccountSummary();
                clock.advance(Duration.ofMinutes(3));
                aws.deliverNow();
            }
            String bucket = aws.trailBucket();
            S3Client s3 = aws.s3();
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(3));
            assertThat(page.isTruncated()).isTrue();
            assertThat(page.keyCount()).isEqualTo(3);
            List<String> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(3)).contents().forEach(o -> keys.add(o.key()));
            assertThat(keys).hasSize(7).isSorted().doesNotHaveDuplicates();
            assertThat(keys).anyMatch(k -> k.contains("/2026/03/15/")).anyMatch(k -> k.contains("/2026/03/14/"));

            ListObjectsV2Response days = s3.listObjectsV2(b -> b.bucket(bucket)
                    .prefix("AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/").delimiter("/"));
            assertThat(days.commonPrefixes()).extracting(p -> p.prefix())
                    .containsExactly("AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/14/",
                            "AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/15/");
            String startAfter = keys.get(4);
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket).startAfter(startAfter)).contents())
                    .extracting(S3Object::key).containsExactly(keys.get(5), keys.get(6));
        }
    }

    @Test
    void presignedGetObjectUrlsAreVerified() throws Exception {
        try (AwsEmulator aws = AwsEmulator.builder().trailDeliveryDelay(Duration.ZERO).start();
             software.amazon.awssdk.services.s3.presigner.S3Presigner presigner = software.amazon.awssdk.services.s3.presigner.S3Presigner
                     .builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).endpointOverride(aws.endpoint())
                     .credentialsProvider(aws.adminCredentials().provider())
                     .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                     .build()) {
            aws.sts().getCallerIdentity();
            String key = aws.logFiles().get(0).key();
            java.net.URL url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(aws.trailBucket()).key(key))).url();
            java.net.HttpURLConnection ok = (java.net.HttpURLConnection) url.openConnection();
            assertThat(ok.getResponseCode()).isEqualTo(200);
            assertThat(gunzip(ok.getInputStream().readAllBytes())).contains("GetCallerIdentity");
            String u = url.toString();
            int at = u.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
            char flipped = u.charAt(at) == '0' ? '1' : '0';
            java.net.HttpURLConnection tampered = (java.net.HttpURLConnection) new java.net.URL(
                    u.substring(0, at) + flipped + u.substring(at + 1)).openConnection();
            assertThat(tampered.getResponseCode()).isEqualTo(403);
        }
    }

    @Test
    void organisationTrailsPutTheOrganisationIdInTheKey() {
        try (AwsEmulator aws = AwsEmulator.builder().accounts("111111111111", "222222222222")
                .organizationId("o-a1b2c3d4e5").organizationTrail(true).start()) {
            EmulatedCredentials member = aws.adminCredentials("222222222222");
            aws.sts(member).getCallerIdentity();
            aws.deliverNow();
            assertThat(aws.logFiles()).extracting(LogFile::key)
                    .anyMatch(k -> k.startsWith("AWSLogs/o-a1b2c3d4e5/222222222222/CloudTrail/us-east-1/"));
            // the bucket belongs to the management account: a member's administrator is refused
            assertThatThrownBy(() -> aws.s3(member).listObjectsV2(b -> b.bucket(aws.trailBucket())))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    });
        }
    }

    @Test
    void eventBridgeSinkReceivesApiCallEnvelopes() throws Exception {
        List<String> all = new CopyOnWriteArrayList<>();
        List<String> plain = new CopyOnWriteArrayList<>();
        try (AwsEmulator aws = AwsEmulator.builder().eventBridgeSink(all::add, true).start();
             AwsEmulator aws2 = AwsEmulator.builder().eventBridgeSink(plain::add, false).start()) {
            aws.iam().createUser(b -> b.userName("eb-user"));
            aws.sts().getCallerIdentity();
            aws2.iam().createUser(b -> b.userName("eb-user"));
            aws2.sts().getCallerIdentity();
        }
        assertThat(all).hasSize(2);
        JsonNode env = JSON.readTree(all.get(0));
        assertThat(env.path("detail-type").asText()).isEqualTo("AWS API Call via CloudTrail");
        assertThat(env.path("source").asText()).isEqualTo("aws.iam");
        assertThat(env.path("account").asText()).isEqualTo("123456789012");
        assertThat(env.path("region").asText()).isEqualTo("us-east-1");
        assertThat(env.path("detail").isObject()).isTrue();
        assertThat(env.path("detail").path("eventName").asText()).isEqualTo("CreateUser");
        assertThat(JSON.readTree(all.get(1)).path("source").asText()).isEqualTo("aws.sts");
        // a plain ENABLED rule does not see read-only Get/List/Describe calls
        assertThat(plain).hasSize(1);
        assertThat(JSON.readTree(plain.get(0)).path("detail").path("eventName").asText()).isEqualTo("CreateUser");
    }

    @Test
    void aFailingSinkDoesNotBreakTheCall() {
        try (AwsEmulator aws = AwsEmulator.builder().eventBridgeSink(e -> {
            throw new IllegalStateException("sink down");
        }, true).start()) {
            assertThat(aws.sts().getCallerIdentity().account()).isEqualTo("123456789012");
            assertThat(aws.trailRecords()).hasSize(1);
        }
    }
}
