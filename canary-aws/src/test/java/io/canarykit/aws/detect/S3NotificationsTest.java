package io.canarykit.aws.detect;

import io.canarykit.testkit.aws.S3ObjectCreated;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The three notification shapes AWS delivers, and what an attacker with write access to the queue could send. */
class S3NotificationsTest {
    static final String KEY = "AWSLogs/o-canarytest01/200000000002/CloudTrail/us-east-1/2026/12/07/"
            + "200000000002_CloudTrail_us-east-1_20261207T1010Z_abcdefGHIJKL0123.json.gz";
    static final S3ObjectCreated CREATED = new S3ObjectCreated("org-trail", KEY, 1234, "0f343b0931126a20f133d67c2b018a3b",
            Instant.parse("2026-12-07T10:10:00Z"), "0062D3901D00059242", "100000000001", "us-east-1");

    @Test
    void allThreeShapesNameTheSameLogFile() {
        for (String body : new String[]{CREATED.s3EventJson(), CREATED.snsEnvelopeJson("arn:aws:sns:us-east-1:100000000001:trail"),
                CREATED.eventBridgeJson()}) {
            S3Notifications.Parsed p = S3Notifications.parse(body);
            assertThat(p.kind()).as(body).isEqualTo(S3Notifications.Kind.OBJECTS);
            assertThat(p.objects()).singleElement().satisfies(o -> {
                assertThat(o.bucket()).isEqualTo("org-trail");
                assertThat(o.key()).isEqualTo(KEY);
                assertThat(o.size()).isEqualTo(1234);
                assertThat(o.isLogFile()).isTrue();
            });
        }
    }

    @Test
    void s3EventKeysAreUrlDecodedAndEventBridgeKeysAreNot() {
        S3ObjectCreated odd = new S3ObjectCreated("b", "prefix with space/AWSLogs/111122223333/CloudTrail/eu-west-1/x+y.json.gz",
                1, "e", Instant.EPOCH, "1", "111122223333", "us-east-1");
        assertThat(odd.s3EventJson()).contains("prefix+with+space").contains("x%2By");
        assertThat(S3Notifications.parse(odd.s3EventJson()).objects().get(0).key()).isEqualTo(odd.key());
        assertThat(S3Notifications.parse(odd.eventBridgeJson()).objects().get(0).key()).isEqualTo(odd.key());
        assertThat(S3Notifications.parse(odd.s3EventJson()).objects().get(0).isLogFile()).isTrue();
    }

    @Test
    void testEventsOtherEventsDigestsAndOtherObjectsAreSkipped() {
        assertThat(S3Notifications.parse(S3ObjectCreated.testEventJson("org-trail", Instant.EPOCH)).kind())
                .isEqualTo(S3Notifications.Kind.SKIP);
        assertThat(S3Notifications.parse("{\"Type\":\"Notification\",\"Message\":"
                + quote(S3ObjectCreated.testEventJson("b", Instant.EPOCH)) + "}").kind()).isEqualTo(S3Notifications.Kind.SKIP);
        String removed = CREATED.s3EventJson().replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        assertThat(S3Notifications.parse(removed).kind()).isEqualTo(S3Notifications.Kind.SKIP);
        assertThat(S3Notifications.parse(CREATED.eventBridgeJson().replace("Object Created", "Object Deleted")).kind())
                .isEqualTo(S3Notifications.Kind.SKIP);
        for (String key : new String[]{"AWSLogs/o-canarytest01/200000000002/CloudTrail-Digest/us-east-1/2026/12/07/d.json.gz",
                "AWSLogs/200000000002/CloudTrail-Insight/us-east-1/2026/12/07/i.json.gz",
                "AWSLogs/200000000002/Config/us-east-1/2026/12/07/c.json.gz", "README.txt"}) {
            S3Notifications.ObjectRef o = new S3Notifications.ObjectRef("b", key, 1);
            assertThat(o.isLogFile()).as(key).isFalse();
        }
        assertThat(new S3Notifications.ObjectRef("b", "AWSLogs/o-canarytest01/200000000002/CloudTrail-Digest/us-east-1/d",
                1).isDigestOrInsight()).isTrue();
    }

    @Test
    void attackerBodiesAreUnrecognisedNeverThrown() {
        String[] bodies = {"", "not json", "[]", "null", "{}", "{\"Records\":[]}", "{\"Records\":[{}]}",
                "{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}",
                "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                        + "\"object\":{\"key\":\"%zz\"}}}]}",
                "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                        + "\"object\":{\"key\":{\"nested\":1}}}}]}",
                "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{}}",
                "{\"Type\":\"Notification\",\"Message\":\"not json\"}",
                nestedSns(10), "[".repeat(5000) + "]".repeat(5000),
                "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\",\"detail\":{}}"};
        for (String body : bodies) {
            assertThat(S3Notifications.parse(body).kind()).as(body.length() > 80 ? body.substring(0, 80) : body)
                    .isEqualTo(S3Notifications.Kind.UNRECOGNISED);
        }
    }

    private static String nestedSns(int depth) {
        String inner = CREATED.s3EventJson();
        for (int i = 0; i < depth; i++) {
            inner = "{\"Type\":\"Notification\",\"Message\":" + quote(inner) + "}";
        }
        return inner;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
