package io.canarykit.alert;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Classification;
import io.canarykit.DetectionWindow;
import io.canarykit.MutableClock;
import io.canarykit.Secret;
import io.canarykit.Sighting;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTTP sink against WireMock standing in for the vendor: the documented request shape, the vendor's error
 * answers (Slack's 429 with Retry-After, PagerDuty's 400 with its errors array, Teams' 202), a delivery that fails for
 * an hour and then succeeds with the identical message, one alert of each classification through every sink, and no
 * secret (webhook URL token, routing key, API key, HEC token) in any log line, message or toString.
 */
class ResponderSinksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLACK_PATH = "/services/T000/B000/slack-token-XYZ123";
    private static final String TEAMS_PATH = "/workflows/teams-sig-ABC789/triggers/manual/paths/invoke";
    private static final String DISCORD_PATH = "/api/webhooks/1234/discord-token-QQQ";
    private static final String CHAT_PATH = "/v1/spaces/AAAA/messages?key=chat-key-111&token=chat-token-222";
    private static final String ROUTING_KEY = "R0UTINGKEY0123456789abcdef012345";
    private static final String GENIE_KEY = "genie-key-6f0c7a";
    private static final String HEC_TOKEN = "hec-token-9e1b2c";
    private static final List<String> SECRETS = List.of("slack-token-XYZ123", "teams-sig-ABC789", "discord-token-QQQ",
            "chat-key-111", "chat-token-222", ROUTING_KEY, GENIE_KEY, HEC_TOKEN);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().jettyAcceptors(1)).build();

    @TempDir
    Path spool;

    private final List<Duration> sleeps = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Alerts.T0.plus(Duration.ofHours(2)));
    private ListAppender<ILoggingEvent> logs;

    /** One sink under test: its name, the path it posts to, and what its vendor answers on success. */
    private record Vendor(String name, String path, int okStatus, String okBody, Function<AlertSinkSettings, AlertSink> build,
                          boolean needsToken, Secret token) {
    }

    private List<Vendor> vendors() {
        return List.of(
                new Vendor("slack", SLACK_PATH, 200, "ok", SlackAlertSink::create, false, null),
                new Vendor("teams", TEAMS_PATH, 202, "", TeamsAlertSink::create, false, null),
                new Vendor("discord", DISCORD_PATH, 204, "", DiscordAlertSink::create, false, null),
                new Vendor("google-chat", CHAT_PATH, 200, "{\"name\":\"spaces/AAAA/messages/1\"}", GoogleChatAlertSink::create,
                        false, null),
                new Vendor("pagerduty", "/v2/enqueue", 202, "{\"status\":\"success\",\"message\":\"Event processed\"}",
                        PagerDutyAlertSink::create, true, Secret.of(ROUTING_KEY)),
                new Vendor("opsgenie", "/v2/alerts", 202, "{\"result\":\"Request will be processed\",\"requestId\":\"x\"}",
                        OpsgenieAlertSink::create, true, Secret.of(GENIE_KEY)),
                new Vendor("splunk-hec", "/services/collector/event", 200, "{\"text\":\"Success\",\"code\":0}",
                        SplunkHecAlertSink::create, true, Secret.of(HEC_TOKEN)));
    }

    private AlertSink sink(Vendor v, boolean withSpool) {
        AlertSinkSettings.Builder b = AlertSinkSettings.builder().url(Secret.of(wm.baseUrl() + v.path()))
                .maxAttempts(3).sleeper(sleeps::add).clock(clock).linkTemplate("https://console.example.com/c/{canary}");
        if (v.token() != null) {
            b.token(v.token());
        }
        if (withSpool) {
            b.spoolDirectory(spool.resolve(v.name()));
        }
        return v.build().apply(b.build());
    }

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.canarykit")).addAppender(logs);
    }

    @AfterEach
    void noSecretAnywhere() {
        ((Logger) LoggerFactory.getLogger("io.canarykit")).detachAppender(logs);
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            for (String secret : SECRETS) {
                assertThat(line).as("log line").doesNotContain(secret);
            }
        }
    }

    private static Alert alertOf(SightingClass kind) {
        Alert base = Alerts.initial("e-" + kind.configName());
        Sighting s = base.sighting();
        if (kind == SightingClass.EXPOSED_PUBLICLY) {
            s = Sighting.builder().source("eventbridge").sourceEventId("q-1").time(s.time()).kind(SightingKind.EXPOSURE_NOTICE)
                    .service("iam.amazonaws.com").call("AttachUserPolicy").userAgent("AWS Internal")
                    .accessKeyId(s.accessKeyId()).principalArn(s.principalArn()).canaryId(s.canaryId()).build();
        }
        Classification c = new Classification(kind, List.of("evidence for " + kind.configName(),
                "attacker text <!channel> @everyone *bold* <https://evil.example|click>"));
        return new Alert(AlertType.INITIAL, base.canary(), s, List.of(s), new DetectionWindow(base.window().issuedAt(),
                s.time()), 0, base.raisedAt(), c, List.of(c));
    }

    private JsonNode onlyBody(String path) throws Exception {
        List<LoggedRequest> got = wm.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(got).hasSize(1);
        return JSON.readTree(got.get(0).getBodyAsString());
    }

    @Test
    void eachSinkPostsTheVendorsDocumentedShape() throws Exception {
        Alert a = alertOf(SightingClass.ENUMERATION);
        for (Vendor v : vendors()) {
            wm.stubFor(post(urlEqualTo(v.path())).willReturn(aResponse().withStatus(v.okStatus()).withBody(v.okBody())));
            sink(v, false).send(a);
        }
        String canary = a.canary().id().value();
        JsonNode slack = onlyBody(SLACK_PATH);
        assertThat(slack.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        assertThat(slack.toString()).contains("enumeration").contains("host/web-1").contains("203.0.113.9")
                .contains("aws-cli/2.15.30").contains("https://console.example.com/c/" + canary)
                .doesNotContain("<!channel>").contains("&lt;!channel&gt;");
        JsonNode teams = onlyBody(TEAMS_PATH);
        assertThat(teams.path("attachments").get(0).path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(teams.path("attachments").get(0).path("content").path("type").asText()).isEqualTo("AdaptiveCard");
        JsonNode discord = onlyBody(DISCORD_PATH);
        assertThat(discord.path("allowed_mentions").path("parse")).isEmpty();
        assertThat(discord.toString()).doesNotContain("@everyone");
        assertThat(discord.path("embeds").get(0).path("fields").size()).isGreaterThan(4);
        JsonNode chat = JSON.readTree(wm.findAll(postRequestedFor(urlEqualTo(CHAT_PATH))).get(0).getBodyAsString());
        assertThat(chat.path("cardsV2").get(0).path("card").path("sections")).isNotEmpty();
        JsonNode pd = onlyBody("/v2/enqueue");
        assertThat(pd.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(pd.path("event_action").asText()).isEqualTo("trigger");
        assertThat(pd.path("dedup_key").asText()).isEqualTo(canary);
        assertThat(pd.path("payload").path("severity").asText()).isEqualTo("critical");
        assertThat(pd.path("links").get(0).path("href").asText()).endsWith(canary);
        wm.verify(postRequestedFor(urlEqualTo("/v2/alerts")).withHeader("Authorization", equalTo("GenieKey " + GENIE_KEY)));
        JsonNode og = onlyBody("/v2/alerts");
        assertThat(og.path("alias").asText()).isEqualTo(canary);
        assertThat(og.path("priority").asText()).isEqualTo("P1");
        assertThat(og.path("message").asText().length()).isLessThanOrEqualTo(130);
        wm.verify(postRequestedFor(urlEqualTo("/services/collector/event")).withHeader("Authorization", equalTo("Splunk " + HEC_TOKEN)));
        JsonNode hec = onlyBody("/services/collector/event");
        assertThat(hec.path("sourcetype").asText()).isEqualTo("canarykit:alert");
        assertThat(hec.path("event").path("alertId").asText()).isEqualTo(AlertJson.alertId(a));
    }

    @Test
    void slacksThrottlingIsWaitedOutAsItsRetryAfterSays() throws Exception {
        Vendor slack = vendors().get(0);
        wm.stubFor(post(urlEqualTo(SLACK_PATH)).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("rate_limited"))
                .willSetStateTo("open"));
        wm.stubFor(post(urlEqualTo(SLACK_PATH)).inScenario("rate").whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200).withBody("ok")));

        sink(slack, false).send(alertOf(SightingClass.API_USE));

        assertThat(wm.findAll(postRequestedFor(urlEqualTo(SLACK_PATH)))).hasSize(2);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void pagerDutysInvalidEventIsNotRetriedAndItsErrorsAreReportedWithoutTheKey() {
        Vendor pd = vendors().get(4);
        wm.stubFor(post(urlEqualTo("/v2/enqueue")).willReturn(aResponse().withStatus(400).withBody(
                "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"'payload.summary' is missing\"]}")));
        AlertSink sink = sink(pd, true);

        sink.send(alertOf(SightingClass.API_USE));

        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/v2/enqueue")))).hasSize(1);
        assertThat(sink.flush()).as("kept, not lost").isEqualTo(1);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("HTTP 400")
                .contains("payload.summary"));
        assertThat(spool.resolve("pagerduty").toFile().list()).allSatisfy(f -> assertThat(
                new String(java.nio.file.Files.readAllBytes(spool.resolve("pagerduty").resolve(f)))).doesNotContain(ROUTING_KEY));
    }

    @Test
    void teamsAnswers202AndThatIsDelivered() {
        Vendor teams = vendors().get(1);
        wm.stubFor(post(urlEqualTo(TEAMS_PATH)).willReturn(aResponse().withStatus(202)));
        AlertSink sink = sink(teams, true);
        sink.send(alertOf(SightingClass.API_USE));
        assertThat(sink.flush()).isZero();
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(TEAMS_PATH)))).hasSize(1);
    }

    @Test
    void aDeliveryFailingForAnHourThenSucceedsWithTheIdenticalMessage() {
        Alert a = alertOf(SightingClass.SECRET_SCANNER_VERIFICATION);
        for (Vendor v : vendors()) {
            String scenario = "down-" + v.name();
            wm.stubFor(post(urlEqualTo(v.path())).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "60")));
            AlertSink sink = sink(v, true);
            sink.send(a);
            for (int minute = 0; minute < 60; minute += 5) {
                clock.advance(Duration.ofMinutes(5));
                assertThat(sink.flush()).as(v.name() + " still waiting after %d min", minute + 5).isEqualTo(1);
            }
            wm.stubFor(post(urlEqualTo(v.path())).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(v.okStatus()).withBody(v.okBody())));
            assertThat(sink.flush()).as(v.name() + " delivered").isZero();

            List<LoggedRequest> all = wm.findAll(postRequestedFor(urlEqualTo(v.path())));
            assertThat(all).as(v.name()).hasSizeGreaterThan(12);
            String first = all.get(0).getBodyAsString();
            assertThat(all).as(v.name() + ": every attempt sent the identical message")
                    .allSatisfy(r -> assertThat(r.getBodyAsString()).isEqualTo(first));
        }
    }

    @Test
    void oneAlertOfEachClassificationThroughEverySinkArrivesOnceWellFormed() throws Exception {
        for (Vendor v : vendors()) {
            wm.stubFor(post(urlEqualTo(v.path())).willReturn(aResponse().withStatus(v.okStatus()).withBody(v.okBody())));
        }
        Map<String, AlertSink> sinks = new LinkedHashMap<>();
        for (Vendor v : vendors()) {
            sinks.put(v.name(), sink(v, true));
        }
        Map<String, String> ids = new HashMap<>();
        for (SightingClass kind : SightingClass.values()) {
            if (kind == SightingClass.SELF_USE) {
                continue; // never alerted
            }
            Alert a = alertOf(kind);
            ids.put(kind.configName(), AlertJson.alertId(a));
            for (AlertSink s : sinks.values()) {
                s.send(a);
            }
        }
        for (Vendor v : vendors()) {
            List<LoggedRequest> got = wm.findAll(postRequestedFor(urlEqualTo(v.path())));
            assertThat(got).as(v.name()).hasSize(4);
            List<String> kinds = new ArrayList<>();
            for (LoggedRequest r : got) {
                JsonNode body = JSON.readTree(r.getBodyAsString()); // well-formed JSON
                for (String k : ids.keySet()) {
                    if (body.toString().contains(k)) {
                        kinds.add(k);
                    }
                }
            }
            assertThat(kinds).as(v.name() + ": each classification once").containsExactlyInAnyOrderElementsOf(ids.keySet());
            assertThat(sinks.get(v.name()).flush()).isZero();
        }
    }

    @Test
    void secretsNeverShowInToStringsMessagesOrTheConfiguration() {
        wm.stubFor(post(urlEqualTo(SLACK_PATH)).willReturn(aResponse().withStatus(500).withBody(
                "error at " + SLACK_PATH + " for token slack-token-XYZ123")));
        Vendor slack = vendors().get(0);
        AlertSink sink = sink(slack, false);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> sink.send(alertOf(SightingClass.API_USE)));
        assertThat(thrown).isNotNull();
        assertThat(thrown.getMessage()).contains("HTTP 500").doesNotContain("slack-token-XYZ123");
        assertThat(sink.toString()).doesNotContain("slack-token-XYZ123");

        CanaryConfig config = CanaryConfig.of(Map.of("canary.alert.slack.url", wm.baseUrl() + SLACK_PATH,
                "canary.alert.pagerduty.routing-key", ROUTING_KEY, "canary.alert.opsgenie.api-key", GENIE_KEY,
                "canary.alert.splunk-hec.url", wm.baseUrl() + "/services/collector/event",
                "canary.alert.splunk-hec.token", HEC_TOKEN));
        // positive control: the secrets are really in the configuration the providers read
        assertThat(config.getSecret("canary.alert.pagerduty.routing-key").reveal()).isEqualTo(ROUTING_KEY);
        var registry = ProviderRegistry.load(AlertSinkProvider.class);
        for (String name : List.of("slack", "pagerduty", "opsgenie", "splunk-hec")) {
            AlertSink built = registry.create(name, config);
            for (String secret : SECRETS) {
                assertThat(built.toString()).doesNotContain(secret);
            }
        }
        for (String secret : SECRETS) {
            assertThat(config.toString()).doesNotContain(secret);
        }
    }
}
