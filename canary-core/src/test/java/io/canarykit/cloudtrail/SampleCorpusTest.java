package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file of the public sample corpus reads with exactly the record count MANIFEST.tsv gives, and cleanly. */
class SampleCorpusTest {
    private final CloudTrailReader reader = CloudTrailReader.create();

    static Stream<Samples.Entry> entries() {
        return Samples.manifest().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void readsEveryFileWithTheManifestCount(Samples.Entry entry) {
        List<CloudTrailRecord> records = new ArrayList<>();
        ReadResult r = reader.read(Samples.file(entry.file()), records::add);

        assertThat(r.problems()).as("problems in %s", entry.file()).isEmpty();
        assertThat(r.malformed()).isZero();
        assertThat(r.records()).as("records in %s", entry.file()).isEqualTo(entry.records());
        assertThat(records).hasSize(entry.records());
        assertThat(r.gzipped()).isEqualTo(entry.file().endsWith(".gz"));
        assertThat(r.shapes()).contains(expectedShape(entry.format()));
    }

    private static RecordShape expectedShape(String format) {
        if (format.startsWith("s3-records-json")) {
            return RecordShape.S3_LOG_FILE;
        }
        if (format.startsWith("json-array")) {
            return RecordShape.JSON_ARRAY;
        }
        if (format.startsWith("lookupevents")) {
            return RecordShape.LOOKUP_EVENTS;
        }
        if (format.startsWith("eventbridge")) {
            return RecordShape.EVENTBRIDGE;
        }
        if (format.startsWith("jsonl")) {
            return RecordShape.JSON_LINES;
        }
        return RecordShape.SINGLE_RECORD;
    }

    @Test
    void theWholeCorpusHolds3803Records() {
        long total = 0;
        long withKey = 0;
        long withoutIdentity = 0;
        for (Samples.Entry e : Samples.manifest()) {
            long[] counts = new long[2];
            ReadResult r = reader.read(Samples.file(e.file()), rec -> {
                if (rec.accessKeyId() != null) {
                    counts[0]++;
                }
                if (rec.userIdentity() == null) {
                    counts[1]++;
                }
            });
            total += r.records();
            withKey += counts[0];
            withoutIdentity += counts[1];
        }
        assertThat(total).isEqualTo(3803);
        assertThat(withoutIdentity).as("records without userIdentity (SOURCES.md: 11)").isEqualTo(11);
        assertThat(withKey).isPositive();
    }

    @Test
    void readsTheFieldsDetectionNeeds() {
        List<CloudTrailRecord> records = new ArrayList<>();
        reader.read(Samples.file("stratus-red-team/aws.persistence.sts-federation-token.json"), records::add);

        assertThat(records).hasSize(2);
        CloudTrailRecord federated = records.stream()
                .filter(r -> "FederatedUser".equals(r.userIdentity().type())).findFirst().orElseThrow();
        assertThat(federated.accessKeyId()).isEqualTo("ASIASTJKC5GCM7ZE6LUP");
        assertThat(federated.userIdentity().sessionIssuer()).isNotNull();
        assertThat(federated.userIdentity().sessionIssuer().type()).isEqualTo("IAMUser");
        assertThat(federated.eventTime()).isNotNull();
        assertThat(federated.eventId()).isNotBlank();
    }

    @Test
    void lookupEventsItemsTakeTheInnerRecord() {
        List<CloudTrailRecord> records = new ArrayList<>();
        reader.read(Samples.file("plaso/aws_cloudtrail.jsonl"), records::add);

        assertThat(records).hasSize(6);
        CloudTrailRecord first = records.get(0);
        assertThat(first.eventId()).isEqualTo("0828c0d2-3589-4390-b954-c78b4a7df44b");
        assertThat(first.eventName()).isEqualTo("DescribeInstances");
        assertThat(first.awsRegion()).isEqualTo("ap-southeast-2");
        assertThat(first.accessKeyId()).isEqualTo("0123456789ABCDEFGHIJ");
        assertThat(first.eventTime()).hasToString("2022-02-07T22:23:37Z");
        assertThat(first.userIdentity().principalName()).isEqualTo("fakeusername");
    }

    @Test
    void gzippedS3ObjectsAreRecognisedByTheirMagicBytes() {
        List<CloudTrailRecord> records = new ArrayList<>();
        ReadResult r = reader.read(
                Samples.file("trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz"),
                records::add);

        assertThat(r.gzipped()).isTrue();
        assertThat(r.shapes()).containsExactly(RecordShape.S3_LOG_FILE);
        assertThat(records).hasSize(2).allSatisfy(rec -> assertThat(rec.awsRegion()).isEqualTo("eu-central-1"));
    }
}
