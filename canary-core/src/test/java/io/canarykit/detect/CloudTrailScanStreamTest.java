package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.ReadResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.canarykit.detect.Canaries.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine's one-stream API, as the S3 and SQS detectors use it: an object's body in, sightings out. */
class CloudTrailScanStreamTest {
    private final CanaryRecord canary = Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0);
    private final CloudTrailScan engine = CloudTrailScan.of(CanaryIndex.ofRecords(List.of(canary), Duration.ZERO));

    static String record(String id, String key, String time) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
                + "\"arn\":\"arn:aws:iam::111122223333:user/other\",\"accountId\":\"111122223333\",\"accessKeyId\":\""
                + key + "\"},\"eventTime\":\"" + time + "\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":"
                + "\"ListUsers\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":"
                + "\"aws-cli/2.15.30\",\"errorCode\":\"AccessDenied\",\"requestID\":\"req-" + id + "\",\"eventID\":\""
                + id + "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\"}";
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void anObjectBodyYieldsCorrelatedSightingsInInputOrder() throws IOException {
        String body = "{\"Records\":[" + record("e1", "AKIAQRSTUVWXYZ234567", "2026-11-28T10:05:00Z") + ","
                + record("e2", "AKIAOTHER00000000000", "2026-11-28T10:06:00Z") + ","
                + record("e3", "AKIAQRSTUVWXYZ234567", "2026-11-28T09:00:00Z") + "," // before issue: no use of it
                + record("e4", "AKIAQRSTUVWXYZ234567", "2026-11-28T10:07:00Z") + "]}";
        List<Sighting> got = new ArrayList<>();

        ReadResult r = engine.scan(new ByteArrayInputStream(gzip(body)), "s3://trail/key.json.gz",
                m -> got.add(m.sighting("cloudtrail-sqs")));

        assertThat(r.records()).isEqualTo(4);
        assertThat(r.clean()).isTrue();
        assertThat(r.gzipped()).isTrue();
        assertThat(got).extracting(Sighting::sourceEventId).containsExactly("e1", "e4");
        assertThat(got).allSatisfy(s -> {
            assertThat(s.canaryId()).isEqualTo(canary.id());
            assertThat(s.source()).isEqualTo("cloudtrail-sqs");
            assertThat(s.accessKeyId()).isEqualTo("AKIAQRSTUVWXYZ234567");
            assertThat(s.region()).isEqualTo("eu-west-1");
        });
    }

    @Test
    void aSourceThatFailsIsThrownSoThatItCanBeRetriedNotReportedAsBadData() throws IOException {
        byte[] body = gzip("{\"Records\":[" + record("e1", "AKIAQRSTUVWXYZ234567", "2026-11-28T10:05:00Z") + ","
                + record("e2", "AKIAQRSTUVWXYZ234567", "2026-11-28T10:06:00Z") + "]}");
        InputStream resetMidway = new InputStream() {
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= body.length / 2) {
                    throw new IOException("Connection reset");
                }
                int n = Math.min(len, body.length / 2 - pos);
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };

        assertThatThrownBy(() -> engine.scan(resetMidway, "s3://trail/key.json.gz", m -> { }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("s3://trail/key.json.gz").hasMessageContaining("Connection reset");
    }

    @Test
    void badDataInAStreamIsReportedNotThrown() throws IOException {
        byte[] body = gzip("{\"Records\":[" + record("e1", "AKIAQRSTUVWXYZ234567", "2026-11-28T10:05:00Z") + ",");
        List<Sighting> got = new ArrayList<>();

        ReadResult r = engine.scan(new ByteArrayInputStream(body), "s3://trail/cut.json.gz",
                m -> got.add(m.sighting("cloudtrail-s3")));

        assertThat(got).extracting(Sighting::sourceEventId).containsExactly("e1");
        assertThat(r.malformed()).isEqualTo(1);
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.source()).isEqualTo("s3://trail/cut.json.gz"));
    }
}
