package io.canarykit.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Alert;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Classification;
import io.canarykit.CredentialKind;
import io.canarykit.MutableClock;
import io.canarykit.Principal;
import io.canarykit.Sighting;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import io.canarykit.alert.SightingClassifier;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.Samples;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static io.canarykit.detect.Canaries.T0;
import static io.canarykit.detect.Canaries.call;
import static org.assertj.core.api.Assertions.assertThat;

/** The classifier on records as AWS writes them, an enumeration burst, and the shared samples (no false exposure). */
class ClassificationTest {
    private final SightingClassifier classifier = SightingClassifier.create();
    private final CanaryRecord canary = Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0);

    private Classification classify(Sighting s, List<Sighting> history) {
        return classifier.classify(canary, s, history);
    }

    @Test
    void aFirstUseThatIsOnlyGetCallerIdentityIsAScannerVerifyingTheKey() {
        Sighting gci = call("cloudtrail-s3", "e1", T0.plusSeconds(60), canary).service("sts.amazonaws.com")
                .call("GetCallerIdentity").errorCode(null).build();
        Sighting list = call("cloudtrail-s3", "e2", T0.plusSeconds(120), canary).build();
        Sighting gciLater = call("cloudtrail-s3", "e3", T0.plusSeconds(180), canary).service("sts.amazonaws.com")
                .call("GetCallerIdentity").errorCode(null).build();

        Classification c = classify(gci, List.of(gci, list, gciLater));
        assertThat(c.kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
        assertThat(c.evidence().get(0)).contains("only sts:GetCallerIdentity");
        assertThat(classify(list, List.of(gci, list, gciLater)).kind()).isEqualTo(SightingClass.API_USE);
        assertThat(classify(gciLater, List.of(gci, list, gciLater)).kind()).as("after other calls").isEqualTo(SightingClass.API_USE);
    }

    @Test
    void trufflehogsUserAgentAndItsUnloggedSnsPublishAreScannerVerification() {
        Sighting th = call("cloudtrail-s3", "e1", T0.plusSeconds(60), canary).userAgent("TruffleHog").call("ListUsers").build();
        assertThat(classify(th, List.of(th)).kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
        assertThat(classify(th, List.of(th)).evidence().get(0)).contains("TruffleHog");

        Sighting sns = Sighting.builder().source("access-key-last-used").sourceEventId("unlogged:x").time(T0.plusSeconds(90))
                .kind(SightingKind.UNLOGGED_USE).service("sns").accessKeyId(canary.accessKeyId()).canaryId(canary.id()).build();
        Classification c = classify(sns, List.of(sns));
        assertThat(c.kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
        assertThat(String.join(" ", c.evidence())).contains("sns:Publish").contains("does not log");

        Sighting s3 = Sighting.builder().source("access-key-last-used").sourceEventId("unlogged:y").time(T0.plusSeconds(90))
                .kind(SightingKind.UNLOGGED_USE).service("s3").accessKeyId(canary.accessKeyId()).canaryId(canary.id()).build();
        assertThat(classify(s3, List.of(s3)).kind()).isEqualTo(SightingClass.API_USE);
    }

    @Test
    void aBurstOfDistinctReadsIsEnumerationASlowTrickleIsNot() {
        String[] calls = {"ListUsers", "ListRoles", "ListBuckets", "DescribeInstances", "GetAccountAuthorizationDetails",
                "ListPolicies", "DescribeRegions", "ListFunctions", "GetCallerIdentity", "DescribeVpcs"};
        List<Sighting> burst = new ArrayList<>();
        List<Sighting> trickle = new ArrayList<>();
        for (int i = 0; i < calls.length; i++) {
            burst.add(call("cloudtrail-s3", "b" + i, T0.plusSeconds(3600 + i * 5L), canary).call(calls[i]).build());
            trickle.add(call("cloudtrail-s3", "t" + i, T0.plusSeconds(3600 + i * 3600L), canary).call(calls[i]).build());
        }
        Classification c = classify(burst.get(5), burst);
        assertThat(c.kind()).isEqualTo(SightingClass.ENUMERATION);
        assertThat(c.evidence().get(0)).contains("distinct read calls").contains("iam:ListUsers");
        assertThat(classify(trickle.get(5), trickle).kind()).isEqualTo(SightingClass.API_USE);
    }

    @Test
    void theQuarantinePolicyAttachmentAsAwsRecordsItAlertsAsExposedPublicly() throws IOException {
        // AWS's record of attaching AWSCompromisedKeyQuarantineV2 to user "test-user" (panther-analysis sample)
        JsonNode records = new ObjectMapper().readTree(Samples.dir().resolve(
                "panther-analysis/aws_iam_compromised_key_quarantine.json").toFile());
        JsonNode attach = records.get(0);
        String envelope = "{\"version\":\"0\",\"id\":\"env-1\",\"detail-type\":\"AWS API Call via CloudTrail\","
                + "\"source\":\"aws.iam\",\"account\":\"123456789012\",\"time\":\"" + attach.path("eventTime").asText()
                + "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + attach + "}";
        Instant issued = Instant.parse("2023-11-21T20:00:00Z");
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        CanaryRecord testUser = store.create(iamUser("123456789012", "test-user", "AKIAQRSTUVWXYZ2345TU", issued));
        CanaryRecord other = store.create(iamUser("123456789012", "another-user", "AKIAQRSTUVWXYZ2345OU", issued));
        CanaryRecord otherAccount = store.create(iamUser("999999999999", "test-user", "AKIAQRSTUVWXYZ2345OA", issued));
        RecordingSink sink = new RecordingSink();
        EventBridgeDetector eventBridge = EventBridgeDetector.create();
        DetectionEngine engine = DetectionEngine.builder().store(store).detector(eventBridge).alertSink(sink)
                .clock(new MutableClock(issued.plus(Duration.ofDays(1)))).build();

        eventBridge.offer(envelope);
        eventBridge.offer(records.get(1).toString()); // PutUserPolicy TestUserDenyAll: not a quarantine policy
        engine.runOnce();

        assertThat(sink.alerts).singleElement().satisfies(a -> {
            assertThat(a.canary().id()).isEqualTo(testUser.id());
            assertThat(a.classification().kind()).isEqualTo(SightingClass.EXPOSED_PUBLICLY);
            assertThat(a.sighting().kind()).isEqualTo(SightingKind.EXPOSURE_NOTICE);
            assertThat(a.sighting().sourceEventId()).isEqualTo(attach.path("eventID").asText());
            assertThat(a.classification().evidence().get(0)).contains("quarantine policy");
        });
        assertThat(store.sightings(other.id())).isEmpty();
        assertThat(store.sightings(otherAccount.id())).isEmpty();
        assertThat(store.find(testUser.id()).orElseThrow().status()).isEqualTo(CanaryStatus.TRIGGERED);
    }

    @Test
    void anAwsHealthExposureEventForTheKeyAlertsAsExposedPublicly() {
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        CanaryRecord c = store.create(canary);
        RecordingSink sink = new RecordingSink();
        EventBridgeDetector eventBridge = EventBridgeDetector.create();
        DetectionEngine engine = DetectionEngine.builder().store(store).detector(eventBridge).alertSink(sink)
                .clock(new MutableClock(T0.plus(Duration.ofDays(1)))).build();
        eventBridge.offer("{\"version\":\"0\",\"id\":\"h-1\",\"detail-type\":\"AWS Health Event\",\"source\":\"aws.health\","
                + "\"account\":\"" + c.accountId() + "\",\"time\":\"" + T0.plusSeconds(7200) + "\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{\"eventArn\":\"arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/X1\","
                + "\"service\":\"RISK\",\"eventTypeCode\":\"AWS_RISK_CREDENTIALS_EXPOSED\",\"eventTypeCategory\":\"issue\","
                + "\"affectedEntities\":[{\"entityValue\":\"" + c.accessKeyId() + "\"},{\"entityValue\":\"AKIAOTHERKEY00000000\"}]}}");
        engine.runOnce();

        assertThat(sink.alerts).singleElement().satisfies(a -> {
            assertThat(a.classification().kind()).isEqualTo(SightingClass.EXPOSED_PUBLICLY);
            assertThat(a.classification().evidence().get(0)).contains("AWS Health").contains(c.accessKeyId());
        });
    }

    /**
     * Every record of the shared corpus, classified as the sighting of a canary holding the caller's key (with all
     * records of that key as its history): none may be called exposed-publicly except AWS's own quarantine calls.
     */
    @Test
    void theSharedSamplesProduceNoFalseExposedPublicly() throws IOException {
        Map<String, List<Sighting>> byKey = new HashMap<>();
        Map<String, CanaryRecord> canaries = new HashMap<>();
        List<JsonNode> raw = new ArrayList<>();
        CloudTrailReader reader = CloudTrailReader.create();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(Samples.dir())) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("LICENSES")
                    && !p.getFileName().toString().endsWith(".md") && !p.getFileName().toString().endsWith(".tsv")).toList()) {
                reader.read(f, (CloudTrailRecord r) -> {
                    String key = r.accessKeyId() != null ? r.accessKeyId() : String.valueOf(r.principalArn());
                    r.toSighting("samples").ifPresent(s -> byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(s));
                });
                if (f.getFileName().toString().endsWith(".json")) {
                    try {
                        JsonNode n = json.readTree(f.toFile());
                        (n.isArray() ? n : n.path("Records").isArray() ? n.path("Records") : json.createArrayNode().add(n))
                                .forEach(raw::add);
                    } catch (IOException e) {
                        // JSON Lines and gzip files: the reader read them above
                    }
                }
            }
        }
        int total = 0;
        Set<String> exposed = new TreeSet<>();
        for (Map.Entry<String, List<Sighting>> e : byKey.entrySet()) {
            CanaryRecord c = canaries.computeIfAbsent(e.getKey(), k -> iamUser("123456789012", "sample-user",
                    k.startsWith("AKIA") || k.startsWith("ASIA") ? k : "AKIASAMPLE" + Math.abs(k.hashCode()), Instant.EPOCH));
            List<Classification> classes = classifier.classifyAll(c, e.getValue(), e.getValue());
            for (int i = 0; i < classes.size(); i++) {
                total++;
                if (classes.get(i).kind() == SightingClass.EXPOSED_PUBLICLY) {
                    exposed.add(e.getValue().get(i).sourceEventId());
                }
            }
        }
        assertThat(total).as("records classified").isGreaterThan(3500);
        // the only ones: AWS's own PutUserPolicy of AWSCompromisedKeyQuarantineV3, signed with the exposed key
        assertThat(exposed).containsExactly("1c2a53d1-58cc-41b3-85b8-bd7565370e0d");

        // and as notices: only the quarantine attachment, only for its own user
        List<CanaryRecord> watched = List.of(iamUser("123456789012", "test-user", "AKIAQRSTUVWXYZ2345TU", Instant.EPOCH),
                iamUser("123456789012", "compromised_user", "AKIAQRSTUVWXYZ2345CU", Instant.EPOCH),
                iamUser("218007301253", "sample-user", "AKIAQRSTUVWXYZ2345SU", Instant.EPOCH));
        List<String> notices = new ArrayList<>();
        for (JsonNode r : raw) {
            ExposureNotices.sightings(r, "samples", watched).forEach(s -> notices.add(s.sourceEventId() + "@"
                    + s.principalArn()));
        }
        assertThat(raw.size()).isGreaterThan(500);
        assertThat(notices).containsExactlyInAnyOrder(
                "e7bb4b23-66e1-4656-b607-f575fde3b790@arn:aws:iam::123456789012:user/test-user",
                // the second copy of that record has no requestParameters: not recognisable as a quarantine
                "1c2a53d1-58cc-41b3-85b8-bd7565370e0d@arn:aws:iam::123456789012:user/compromised_user");
    }

    @Test
    void anAlertTakesTheMostSevereClassOfItsSightings() {
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        CanaryRecord c = store.create(canary);
        RecordingSink sink = new RecordingSink();
        MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(2)));
        ListDetector s3 = new ListDetector("cloudtrail-s3");
        DetectionEngine engine = DetectionEngine.builder().store(store).detector(s3).alertSink(sink).clock(clock).build();
        s3.add(call("cloudtrail-s3", "g", T0.plusSeconds(3600), c).service("sts.amazonaws.com").call("GetCallerIdentity")
                .errorCode(null).build());
        engine.runOnce(); // the key verified, nothing else yet
        String[] calls = {"ListUsers", "ListRoles", "ListBuckets", "DescribeInstances", "ListPolicies", "DescribeRegions",
                "ListFunctions", "DescribeVpcs", "ListGroups"};
        for (int i = 0; i < calls.length; i++) {
            s3.add(call("cloudtrail-s3", "x" + i, T0.plusSeconds(3610 + i), c).call(calls[i]).build());
        }
        clock.advance(Duration.ofMinutes(16));
        engine.runOnce(); // then the burst

        assertThat(sink.alerts).hasSize(2);
        Alert initial = sink.alerts.get(0);
        assertThat(initial.classification().kind()).isEqualTo(SightingClass.SECRET_SCANNER_VERIFICATION);
        assertThat(initial.severity()).isEqualTo(io.canarykit.AlertSeverity.MEDIUM);
        Alert followUp = sink.alerts.get(1);
        assertThat(followUp.classification().kind()).isEqualTo(SightingClass.ENUMERATION);
        assertThat(followUp.classifications()).hasSize(followUp.sightings().size());
        assertThat(io.canarykit.alert.AlertJson.toJson(followUp)).contains("\"classification\":{\"kind\":\"enumeration\"");
    }

    private static CanaryRecord iamUser(String account, String name, String key, Instant issued) {
        return CanaryRecord.builder().id(CanaryId.generate(issued, new Random(name.hashCode() ^ String.valueOf(key).hashCode())))
                .status(CanaryStatus.ACTIVE).kind(CredentialKind.IAM_USER).issuer("iam-user")
                .principal(Principal.iamUser(account, "/", name)).accessKeyId(key).asset(Asset.of("host", name))
                .createdAt(issued).issuedAt(issued).build();
    }
}
