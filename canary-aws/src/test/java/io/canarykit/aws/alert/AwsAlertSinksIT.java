package io.canarykit.aws.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Classification;
import io.canarykit.CredentialKind;
import io.canarykit.DetectionWindow;
import io.canarykit.Principal;
import io.canarykit.Sighting;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import io.canarykit.alert.AlertFormat;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.Delivery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sns} and {@code eventbridge} sinks with the real SDK clients against WireMock answering as SNS (query
 * protocol) and EventBridge (JSON 1.1) do: the request shape, throttling retried, a refused call kept in the spool,
 * a partial PutEvents failure counted, and an hour of failures then the identical message.
 */
class AwsAlertSinksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:canary-alerts";
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().jettyAcceptors(1)).build();

    @TempDir
    Path spool;

    private final List<Duration> sleeps = new ArrayList<>();

    private SnsClient sns() {
        return SnsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(wm.baseUrl()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private EventBridgeClient events() {
        return EventBridgeClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(wm.baseUrl()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private Delivery.Builder delivery(String name) {
        return Delivery.builder().maxAttempts(3).sleeper(sleeps::add).spoolDirectory(spool.resolve(name));
    }

    static Alert alert(SightingClass kind) {
        CanaryRecord c = CanaryRecord.builder().id(CanaryId.generate(T0, new Random(3))).status(CanaryStatus.TRIGGERED)
                .kind(CredentialKind.IAM_USER).issuer("iam-user").principal(Principal.iamUser("111122223333", "/", "ci-deploy"))
                .accessKeyId("AKIAQRSTUVWXYZ234567").asset(new Asset("laptop", "LT-1", Map.of("team", "finance")))
                .createdAt(T0).issuedAt(T0).build();
        Sighting s = Sighting.builder().source("cloudtrail-s3").sourceEventId("e-" + kind.configName()).time(T0.plusSeconds(3600))
                .kind(SightingKind.API_CALL).service("iam.amazonaws.com").call("ListUsers").region("us-east-1")
                .sourceIp("203.0.113.9").userAgent("aws-cli/2").errorCode("AccessDenied").accessKeyId(c.accessKeyId())
                .principalArn(c.principal().arn()).canaryId(c.id()).build();
        Classification cls = Classification.of(kind, "evidence for " + kind.configName());
        return new Alert(AlertType.INITIAL, c, s, List.of(s), new DetectionWindow(T0, s.time()), 0, T0.plusSeconds(3700),
                cls, List.of(cls));
    }

    private static Map<String, String> form(LoggedRequest r) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : r.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static final String PUBLISHED = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
            + "<MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult><ResponseMetadata>"
            + "<RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata></PublishResponse>";

    private static String snsError(String code) {
        return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>" + code
                + "</Code><Message>" + code + "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
    }

    @Test
    void snsPublishesTheAlertWithAttributesAndRetriesThrottling() throws Exception {
        wm.stubFor(post(urlEqualTo("/")).inScenario("sns").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("Action=Publish"))
                .willReturn(aResponse().withStatus(400).withBody(snsError("Throttling"))).willSetStateTo("ok"));
        wm.stubFor(post(urlEqualTo("/")).inScenario("sns").whenScenarioStateIs("ok")
                .withRequestBody(containing("Action=Publish")).willReturn(aResponse().withStatus(200).withBody(PUBLISHED)));
        Alert a = alert(SightingClass.ENUMERATION);
        AlertSink sink = SnsAlertSink.create(sns(), TOPIC, AlertFormat.CANARYKIT, delivery("sns"));

        sink.send(a);

        List<LoggedRequest> got = wm.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(got).hasSize(2);
        Map<String, String> f = form(got.get(1));
        assertThat(f).containsEntry("TopicArn", TOPIC);
        assertThat(f.get("Subject")).isEqualTo("Canary triggered: enumeration on laptop/LT-1");
        assertThat(JSON.readTree(f.get("Message")).path("alertId").asText()).isEqualTo(AlertJson.alertId(a));
        assertThat(f.values()).contains("alertId", AlertJson.alertId(a), "classification", "enumeration", "severity", "critical");
        assertThat(sleeps).hasSize(1);
        assertThat(sink.flush()).isZero();
    }

    @Test
    void aRefusedPublishIsKeptNotLostAndAnHourLaterTheIdenticalMessageGoesOut() {
        wm.stubFor(post(urlEqualTo("/")).inScenario("down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(403).withBody(snsError("AuthorizationError"))));
        AlertSink sink = SnsAlertSink.create(sns(), TOPIC, AlertFormat.OCSF, delivery("sns-down"));
        sink.send(alert(SightingClass.EXPOSED_PUBLICLY));
        for (int i = 0; i < 12; i++) {
            assertThat(sink.flush()).isEqualTo(1);
        }
        wm.stubFor(post(urlEqualTo("/")).inScenario("down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody(PUBLISHED)));
        assertThat(sink.flush()).isZero();
        List<LoggedRequest> all = wm.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(all).hasSize(14);
        String first = form(all.get(0)).get("Message");
        assertThat(all).allSatisfy(r -> assertThat(form(r).get("Message")).isEqualTo(first));
        assertThat(first).contains("\"class_uid\":2004");
    }

    @Test
    void eventBridgePutsACanaryAlertEventAndCountsAPartialFailure() throws Exception {
        wm.stubFor(post(urlEqualTo("/")).inScenario("eb").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"ThrottlingException\","
                                + "\"ErrorMessage\":\"Rate exceeded\"}]}")).willSetStateTo("ok"));
        wm.stubFor(post(urlEqualTo("/")).inScenario("eb").whenScenarioStateIs("ok")
                .withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}")));
        Alert a = alert(SightingClass.SECRET_SCANNER_VERIFICATION);
        AlertSink sink = EventBridgeAlertSink.create(events(), "security-bus", AlertFormat.ECS, delivery("eb"));

        sink.send(a);

        List<LoggedRequest> got = wm.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(got).hasSize(2);
        JsonNode entry = JSON.readTree(got.get(1).getBodyAsString()).path("Entries").get(0);
        assertThat(entry.path("Source").asText()).isEqualTo("canarykit");
        assertThat(entry.path("DetailType").asText()).isEqualTo("Canary Alert");
        assertThat(entry.path("EventBusName").asText()).isEqualTo("security-bus");
        assertThat(entry.path("Resources").get(0).asText()).isEqualTo(a.canary().principal().arn());
        JsonNode detail = JSON.readTree(entry.path("Detail").asText());
        assertThat(detail.path("event").path("kind").asText()).isEqualTo("alert");
        assertThat(detail.path("rule").path("name").asText()).isEqualTo("secret-scanner-verification");
        assertThat(sink.flush()).isZero();
    }
}
