package io.canarykit.placement.secrets;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code github-actions-secret} against GitHub's documented API (a stateful WireMock fake plus its error answers). */
class GitHubActionsSecretPlacementIT extends RestPlacementContract {
    static final FakeGitHub FAKE = new FakeGitHub();

    @RegisterExtension
    static WireMockExtension github = wireMock(FAKE);

    @RegisterExtension
    static WireMockExtension elsewhere = WireMockExtension.newInstance()
            .options(com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig().dynamicPort()
                    .jettyAcceptors(1).containerThreads(8)).build();

    final List<Duration> slept = new ArrayList<>();
    GitHubActionsSecretPlacement placement;

    @BeforeEach
    void setUp() {
        answerWith(github, FAKE);
        FAKE.secrets.clear();
        FAKE.advanceClock = true;
        placement = placement(URI.create(github.baseUrl()));
    }

    GitHubActionsSecretPlacement placement(URI url) {
        return GitHubActionsSecretPlacement.builder().api(url, Secret.of(FakeGitHub.TOKEN))
                .sleeper(d -> {
                    slept.add(d);
                    FAKE.now = FAKE.now.plus(d);
                }).build();
    }

    @Override
    Placement placement() {
        return placement;
    }

    @Override
    Map<String, String> options(String name) {
        return Map.of("repository", "octo-org/" + name + "-service");
    }

    @Override
    List<String> stored() {
        List<String> out = new ArrayList<>();
        FAKE.secrets.forEach((id, s) -> {
            String plain;
            try {
                plain = FAKE.open(s.scope(), s.name());
            } catch (IllegalArgumentException e) {
                plain = "(someone else's)";
            }
            out.add(id + " -> " + (s.name().endsWith("AWS_ACCESS_KEY_ID") ? plain : "(" + plain.length() + " characters)"));
        });
        return out;
    }

    @Override
    void plantForeign(String name) {
        String scope = "/repos/octo-org/" + name + "-service/actions";
        FAKE.secrets.put(scope + "/AWS_ACCESS_KEY_ID", new FakeGitHub.Stored(scope, "AWS_ACCESS_KEY_ID", new byte[60],
                "1", Instant.EPOCH, Instant.EPOCH, null));
    }

    @Override
    String token() {
        return FakeGitHub.TOKEN;
    }

    @Test
    void environmentSecretsAreSealedWithTheScopesKeyAndOpenToTheCredential() {
        Map<String, String> o = Map.of("repository", "octo-org/billing-service", "environment", "production",
                "prefix", "PROD_");
        PlacementReceipt r = place(request(SECOND, o));
        String scope = "/repos/octo-org/billing-service/environments/production";
        assertThat(FAKE.open(scope, "PROD_AWS_ACCESS_KEY_ID")).isEqualTo(SECOND.accessKeyId());
        assertThat(FAKE.open(scope, "PROD_AWS_SECRET_ACCESS_KEY")).isEqualTo(SECOND.secretAccessKey().reveal());
        assertThat(FAKE.open(scope, "PROD_AWS_SESSION_TOKEN")).isEqualTo(SECOND.sessionToken().reveal());
        assertThat(r.details()).containsEntry("scope", "environment").containsEntry("environment", "production")
                .containsEntry("names", "PROD_AWS_ACCESS_KEY_ID,PROD_AWS_SECRET_ACCESS_KEY,PROD_AWS_SESSION_TOKEN");
        LoggedRequest putRequest = github.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                urlPathEqualTo(scope + "/secrets/PROD_AWS_ACCESS_KEY_ID"))).get(0);
        assertThat(putRequest.getHeader("Authorization")).isEqualTo("Bearer " + FakeGitHub.TOKEN);
        assertThat(putRequest.getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(putRequest.getHeader("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(putRequest.getBodyAsString()).contains("\"encrypted_value\"", "\"key_id\"")
                .doesNotContain(SECOND.accessKeyId());
        placement.remove(r);
        assertThat(stored()).isEmpty();
    }

    @Test
    void organisationSecretsCarryTheirVisibilityAndJsonLayoutIsOneSecret() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("organization", "octo-org");
        o.put("layout", "json");
        o.put("secret-name", "AWS_DEPLOY_CREDENTIALS");
        o.put("visibility", "selected");
        o.put("selected-repository-ids", "1296269, 1296280");
        PlacementReceipt r = place(request(FIRST, o));
        assertThat(FAKE.open("/orgs/octo-org/actions", "AWS_DEPLOY_CREDENTIALS"))
                .isEqualTo("{\"AWS_ACCESS_KEY_ID\":\"" + FIRST.accessKeyId() + "\",\"AWS_SECRET_ACCESS_KEY\":\""
                        + FIRST.secretAccessKey().reveal() + "\"}");
        assertThat(github.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                urlPathEqualTo("/orgs/octo-org/actions/secrets/AWS_DEPLOY_CREDENTIALS"))).get(0).getBodyAsString())
                .contains("\"visibility\":\"selected\"", "\"selected_repository_ids\":[1296269,1296280]");
        assertThat(placement.verify(r).present()).isTrue();
    }

    @Test
    void aRotationInTheSameSecondWaitsSoThatTheOldReceiptCanNeverMatch() {
        FAKE.advanceClock = false;
        PlacementReceipt first = place(request(FIRST, options("fast")));
        PlacementReceipt second = placement.replace(first, request(SECOND, options("fast")));
        receipts.add(second);
        assertThat(slept).contains(Duration.ofMillis(1100));
        assertThat(placement.verify(first).present()).isFalse();
        assertThat(placement.verify(second).present()).isTrue();
        placement.remove(first);
        assertThat(placement.verify(second).present()).as("removing the old receipt left the new canary").isTrue();
    }

    @Test
    void aRepositoryGitHubDoesNotShowIsAClear404AndNothingIsWritten() {
        github.stubFor(get(urlPathMatching("/repos/octo-org/ghost-service/actions/secrets/public-key")).atPriority(1)
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"Not Found\",\"documentation_url\":"
                        + "\"https://docs.github.com/rest/actions/secrets#get-a-repository-public-key\",\"status\":\"404\"}")));
        Throwable e = catchThrowable(() -> place(request(FIRST, options("ghost"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("HTTP 404: Not Found")
                .hasMessageContaining("does not exist, or the token cannot see it");
        assertThat(github.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(anyUrl()))).isEmpty();
        place(request(FIRST, options("billing")));
    }

    @Test
    void a422HalfWayDeletesWhatWasAlreadyWritten() {
        github.stubFor(put(urlPathEqualTo("/repos/octo-org/half-service/actions/secrets/AWS_SECRET_ACCESS_KEY"))
                .atPriority(1).willReturn(aResponse().withStatus(422).withBody("{\"message\":\"Validation Failed\","
                        + "\"errors\":[{\"resource\":\"Secret\",\"field\":\"encrypted_value\",\"code\":\"invalid\"}],"
                        + "\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"422\"}")));
        Throwable e = catchThrowable(() -> place(request(FIRST, options("half"))));
        errors.add(e);
        assertThat(e).hasMessageContaining("writing secret AWS_SECRET_ACCESS_KEY").hasMessageContaining("HTTP 422")
                .hasMessageContaining("Validation Failed");
        assertThat(stored()).as("AWS_ACCESS_KEY_ID, written first, was deleted").isEmpty();
        assertThat(github.findAll(com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                urlPathEqualTo("/repos/octo-org/half-service/actions/secrets/AWS_ACCESS_KEY_ID")))).hasSize(1);
    }

    @Test
    void anExhaustedRateLimitIsAClearErrorAndNothingMoreIsSent() {
        long reset = Instant.now().plus(Duration.ofMinutes(40)).getEpochSecond();
        github.stubFor(get(urlPathMatching(".*/public-key")).atPriority(1).willReturn(aResponse().withStatus(403)
                .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "0")
                .withHeader("x-ratelimit-reset", Long.toString(reset))
                .withBody("{\"message\":\"API rate limit exceeded for user ID 1.\",\"documentation_url\":"
                        + "\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\",\"status\":\"403\"}")));
        Throwable e = catchThrowable(() -> place(request(FIRST, options("limited"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("rate limit is exhausted until "
                + Instant.ofEpochSecond(reset));
        assertThat(github.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathMatching(".*/public-key")))).hasSize(1);
        assertThat(stored()).isEmpty();
        assertThat(slept).isEmpty();
    }

    @Test
    void aSecondaryRateLimitIsWaitedOutAsGitHubAsks() {
        github.stubFor(get(urlPathMatching(".*/public-key")).atPriority(1).inScenario("secondary")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(403).withHeader("retry-after", "7")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes "
                                + "before you try again.\",\"status\":\"403\"}"))
                .willSetStateTo("waited"));
        PlacementReceipt r = place(request(FIRST, options("busy")));
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
        assertThat(placement.verify(r).present()).isTrue();
    }

    @Test
    void aBadTokenIsAConfigurationErrorThatDoesNotShowIt() {
        GitHubActionsSecretPlacement wrong = GitHubActionsSecretPlacement.builder()
                .api(URI.create(github.baseUrl()), Secret.of("ghp_wrongTOKENwrongTOKENwrongTOKEN12345")).build();
        Throwable e = catchThrowable(() -> wrong.place(request(FIRST, options("billing"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("HTTP 401: Bad credentials")
                .hasMessageContaining("token is not valid").hasMessageNotContaining("ghp_wrongTOKEN");
        place(request(FIRST, options("billing")));
    }

    @Test
    void attacksThroughOptionsAndAnswersAreRefused() throws Exception {
        for (Map<String, String> bad : List.of(Map.of("repository", "octo-org/../../orgs/evil"),
                Map.of("repository", "octo-org/app", "environment", "../../../orgs/evil/actions"),
                Map.of("repository", "octo-org/app%2F.."), Map.of("organization", "evil/../x"),
                Map.of("repository", "octo-org/app", "prefix", "GITHUB_"),
                Map.of("repository", "octo-org/app", "prefix", "X/"),
                Map.of("repository", "octo-org/app", "prefix", "HONEY_"))) {
            Throwable e = catchThrowable(() -> place(request(FIRST, bad)));
            errors.add(e);
            assertThat(e).as(bad.toString()).isInstanceOf(CanaryConfigurationException.class);
        }
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).as("refused before any request").isEmpty();

        // a redirect is not followed: the token never reaches the other host
        github.stubFor(get(urlPathMatching("/repos/octo-org/moved-service/actions/secrets/.*")).atPriority(1)
                .willReturn(aResponse().withStatus(307).withHeader("Location", elsewhere.baseUrl() + "/steal")));
        errors.add(catchThrowable(() -> place(request(FIRST, options("moved")))));
        assertThat(errors.get(errors.size() - 1)).hasMessageContaining("HTTP 307");
        assertThat(elsewhere.findAll(anyRequestedFor(anyUrl()))).isEmpty();

        // an endless answer is cut off
        github.stubFor(get(urlPathMatching("/repos/octo-org/huge-service/actions/secrets/public-key")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody("{\"key\":\"" + "A".repeat(2 * RestClient.MAX_BODY) + "\"}")));
        errors.add(catchThrowable(() -> place(request(FIRST, options("huge")))));
        assertThat(errors.get(errors.size() - 1)).hasMessageContaining("longer than");

        // a public key that is not one
        github.stubFor(get(urlPathMatching("/repos/octo-org/badkey-service/actions/secrets/public-key")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody("{\"key_id\":\"1\",\"key\":\"AAAA\"}")));
        errors.add(catchThrowable(() -> place(request(FIRST, options("badkey")))));
        assertThat(errors.get(errors.size() - 1)).hasMessageContaining("not a 32-byte base64 key");
        assertThat(stored()).isEmpty();

        // the token must not cross the network in the clear
        errors.add(catchThrowable(() -> placement(URI.create("http://api.example.com"))));
        assertThat(errors.get(errors.size() - 1)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("plain HTTP");
        place(request(FIRST, options("billing")));
    }

    @Test
    void theProviderReadsItsSettingsTokenFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("github-token");
        Files.writeString(tokenFile, FakeGitHub.TOKEN + "\n");
        CanaryConfig config = CanaryConfig.of(Map.of(
                "canary.placement.github-actions-secret.api-url", github.baseUrl(),
                "canary.placement.github-actions-secret.token-file", tokenFile.toString()))
                .scoped("canary.placement.github-actions-secret.");
        PlacementEnvironment none = PlacementEnvironment.of(Map.of(), Map.of());
        try (Placement p = GitHubActionsSecretPlacementProvider.create(config, none)) {
            place(request(FIRST, options("provided")));
            assertThat(p.verify(receipts.get(0)).present()).isTrue();
        }
        PlacementEnvironment env = PlacementEnvironment.of(Map.of("GITHUB_TOKEN", FakeGitHub.TOKEN, "GITHUB_API_URL",
                github.baseUrl()), Map.of());
        try (Placement p = GitHubActionsSecretPlacementProvider.create(CanaryConfig.empty(), env)) {
            receipts.add(p.place(request(FIRST, options("from-env"))));
        }
        Throwable missing = catchThrowable(() -> GitHubActionsSecretPlacementProvider.create(CanaryConfig.empty(), none));
        errors.add(missing);
        assertThat(missing).hasMessageContaining("needs an API token").hasMessageContaining("GITHUB_TOKEN");
        Throwable injected = catchThrowable(() -> GitHubActionsSecretPlacementProvider.create(CanaryConfig.of(Map.of(
                "token", FakeGitHub.TOKEN + "\r\nX-Evil: 1")), none));
        errors.add(injected);
        assertThat(injected).hasMessageContaining("line breaks");
        Throwable unknown = catchThrowable(() -> GitHubActionsSecretPlacementProvider.create(config.with(
                "tokenfile", "x"), none));
        errors.add(unknown);
        assertThat(unknown).hasMessageContaining("tokenfile");
    }
}
