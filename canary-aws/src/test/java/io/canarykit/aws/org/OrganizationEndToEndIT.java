package io.canarykit.aws.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Asset;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.IssueOutcome;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementSpec;
import io.canarykit.Sighting;
import io.canarykit.aws.account.OrganizationPool;
import io.canarykit.config.CanaryConfig;
import io.canarykit.fingerprint.KeyIds;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.sqs.EmbeddedSqs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done when: canaries issued into three member accounts discovered through AWS Organizations (by unit and tag; the
 * suspended and untagged accounts left out), each from the account its asset names; two used with the real SDK;
 * exactly one alert each through {@code cloudtrail-sqs} with three competing consumers, and the same through
 * {@code eventbridge-sqs} (and with both at once: the same event read through two channels alerts once). Everything is
 * built from properties, as {@code canary detect} builds it.
 */
class OrganizationEndToEndIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedSqs sqs;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cloudtrail-sqs", "eventbridge-sqs", "cloudtrail-sqs,eventbridge-sqs"})
    void canariesInDiscoveredMemberAccountsAlertExactlyOnceEach(String detectors) throws Exception {
        String tag = detectors.replace(",", "-").replace("sqs", "q");
        SqsClient client = sqs.client();
        String trailDlq = sqs.createQueue(tag + "-trail-dlq", Duration.ofSeconds(30));
        String trailQueue = sqs.createQueue(tag + "-trail", Duration.ofSeconds(30), trailDlq, 50);
        String eventsDlq = sqs.createQueue(tag + "-events-dlq", Duration.ofSeconds(30));
        String eventsQueue = sqs.createQueue(tag + "-events", Duration.ofSeconds(30), eventsDlq, 50);
        AwsEmulator.Builder b = OrgEmulator.builder(Clock.systemUTC())
                .s3NotificationSink(c -> client.sendMessage(m -> m.queueUrl(trailQueue).messageBody(c.s3EventJson())))
                // the central bus's rule, in the state that lets read-only calls through
                .eventBridgeSink(e -> client.sendMessage(m -> m.queueUrl(eventsQueue).messageBody(e)), true);
        try (AwsEmulator aws = OrgEmulator.withRoles(b.start())) {
            EmulatedCredentials central = aws.adminCredentials(MANAGEMENT);
            Path alerts = dir.resolve("alerts.jsonl");
            Map<String, String> p = new HashMap<>();
            p.put("canary.pool", "organization");
            p.put("canary.pool.organization.discover", "true");
            p.put("canary.pool.organization.ou-paths", "/Workloads");
            p.put("canary.pool.organization.account-tags", "canary=enabled");
            p.put("canary.pool.organization.role-name", ROLE);
            p.put("canary.pool.organization.account-label", "aws-account");
            p.put("canary.pool.organization.endpoint", aws.endpoint().toString());
            p.put("canary.pool.organization.access-key-id", central.accessKeyId());
            p.put("canary.pool.organization.secret-access-key", central.secretAccessKey().reveal());
            p.put("canary.issuers", "iam-user");
            p.put("canary.issuer.iam-user.path", "/svc/");
            p.put("canary.response", "alert");
            p.put("canary.alert.sinks", "jsonl-file");
            p.put("canary.alert.jsonl-file.path", alerts.toString());
            p.put("canary.detectors", detectors);
            for (String d : List.of("cloudtrail-sqs", "eventbridge-sqs")) {
                String k = "canary.detector." + d + ".";
                p.put(k + "endpoint", aws.endpoint().toString());
                p.put(k + "sqs.endpoint", sqs.endpoint().toString());
                p.put(k + "access-key-id", central.accessKeyId());
                p.put(k + "secret-access-key", central.secretAccessKey().reveal());
                p.put(k + "consumers", "3");
                p.put(k + "wait-time", "1s");
                p.put(k + "visibility-timeout", "30s");
            }
            p.put("canary.detector.cloudtrail-sqs.queue-url", trailQueue);
            p.put("canary.detector.cloudtrail-sqs.dead-letter-queue-url", trailDlq);
            p.put("canary.detector.cloudtrail-sqs.bucket", aws.trailBucket());
            p.put("canary.detector.eventbridge-sqs.queue-url", eventsQueue);
            p.put("canary.detector.eventbridge-sqs.dead-letter-queue-url", eventsDlq);

            try (CanaryService service = CanaryService.fromConfig(CanaryConfig.of(p))) {
                OrganizationPool pool = (OrganizationPool) service.issuance().pool();
                assertThat(pool.discovery().accountIds()).containsExactlyInAnyOrder(PROD_A, PROD_B, DEV);
                assertThat(pool.discovery().skipped()).containsKey(SUSPENDED).doesNotContainKey(SANDBOX);

                Map<String, IssueOutcome> issued = new HashMap<>();
                for (String account : List.of(PROD_A, PROD_B, DEV)) {
                    Asset asset = Asset.of("host", "web-" + account).withLabel("aws-account", account);
                    IssueOutcome o = service.issue(asset, PlacementSpec.returnToCaller());
                    assertThat(o.record().accountId()).as("the asset's own account").isEqualTo(account);
                    assertThat(KeyIds.parse(o.record().accessKeyId()).accountId()).isEqualTo(account);
                    issued.put(account, o);
                }
                assertThat(aws.usersExceptAdmin(SANDBOX)).isEmpty();

                // an attacker finds the canaries of PROD_A and DEV and uses them with the real SDK
                for (String account : List.of(PROD_A, DEV)) {
                    CanaryCredential c = issued.get(account).returnedCredential().orElseThrow();
                    EmulatedCredentials found = EmulatedCredentials.of(c.accessKeyId(), c.secretAccessKey().reveal());
                    StsClient sts = aws.sts(found);
                    assertThat(sts.getCallerIdentity().account()).isEqualTo(account);
                    IamClient iam = aws.iam(found);
                    try {
                        iam.listUsers();
                    } catch (AwsServiceException denied) {
                        assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    }
                }
                aws.deliverNow();

                LifecycleReport.Detect first = service.detect();
                assertThat(first.detection().failures()).isEmpty();
                LifecycleReport.Detect second = service.detect();
                assertThat(second.detection().stored()).isZero();

                Map<String, Integer> alertsByCanary = new HashMap<>();
                for (String line : Files.readAllLines(alerts)) {
                    JsonNode a = JSON.readTree(line);
                    alertsByCanary.merge(a.path("canary").path("id").asText(a.path("canaryId").asText()), 1, Integer::sum);
                }
                String a = issued.get(PROD_A).record().id().value();
                String dev = issued.get(DEV).record().id().value();
                String unused = issued.get(PROD_B).record().id().value();
                assertThat(alertsByCanary).as(Files.readString(alerts)).containsOnlyKeys(a, dev);
                assertThat(alertsByCanary.get(a)).isEqualTo(1);
                assertThat(alertsByCanary.get(dev)).isEqualTo(1);
                assertThat(alertsByCanary).doesNotContainKey(unused);

                List<String> sources = new ArrayList<>();
                for (IssueOutcome o : issued.values()) {
                    for (Sighting s : service.store().sightings(o.record().id())) {
                        sources.add(s.source());
                    }
                }
                assertThat(sources).isNotEmpty().allMatch(detectors::contains);
                if (detectors.contains("cloudtrail-sqs")) {
                    assertThat(sqs.depth(trailQueue)).isZero();
                }
                if (detectors.contains("eventbridge-sqs")) {
                    assertThat(sqs.depth(eventsQueue)).isZero();
                }
                assertThat(sqs.depth(trailDlq) + sqs.depth(eventsDlq)).isZero();
            }
        }
    }
}
