package io.canarykit.placement.secrets;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code gitlab-ci-variable} against GitLab's documented API (a stateful WireMock fake plus its error answers). */
class GitLabCiVariablePlacementIT extends RestPlacementContract {
    static final FakeGitLab FAKE = new FakeGitLab();

    @RegisterExtension
    static WireMockExtension gitlab = wireMock(FAKE);

    GitLabCiVariablePlacement placement;

    @BeforeEach
    void setUp() {
        answerWith(gitlab, FAKE);
        FAKE.variables.clear();
        placement = GitLabCiVariablePlacement.builder().api(URI.create(gitlab.baseUrl() + "/api/v4"),
                Secret.of(FakeGitLab.TOKEN)).build();
    }

    @Override
    Placement placement() {
        return placement;
    }

    @Override
    Map<String, String> options(String name) {
        return Map.of("project", "platform/" + name);
    }

    @Override
    List<String> stored() {
        List<String> out = new ArrayList<>();
        FAKE.variables.forEach((id, v) -> out.add(id + " -> " + (v.path("key").asText().endsWith("AWS_ACCESS_KEY_ID")
                ? v.path("value").asText() : "(" + v.path("value").asText().length() + " characters)")
                + " masked=" + v.path("masked").asBoolean() + " protected=" + v.path("protected").asBoolean()));
        return out;
    }

    @Override
    void plantForeign(String name) {
        FAKE.variables.put("projects:platform/" + name + "|AWS_ACCESS_KEY_ID|*", FakeApi.JSON.createObjectNode()
                .put("key", "AWS_ACCESS_KEY_ID").put("value", "AKIAREALKEYOFTHETEAM1").put("environment_scope", "*")
                .put("masked", true).put("protected", true));
    }

    @Override
    String token() {
        return FakeGitLab.TOKEN;
    }

    @Test
    void variablesAreMaskedProtectedAndScopedAsAsked() {
        Map<String, String> o = new LinkedHashMap<>(options("billing"));
        o.put("environment-scope", "production");
        o.put("description", "deploy key of the billing exporter");
        PlacementReceipt r = place(request(SECOND, o));
        assertThat(stored()).containsExactly(
                "projects:platform/billing|AWS_ACCESS_KEY_ID|production -> " + SECOND.accessKeyId() + " masked=true protected=true",
                "projects:platform/billing|AWS_SECRET_ACCESS_KEY|production -> (40 characters) masked=true protected=true",
                "projects:platform/billing|AWS_SESSION_TOKEN|production -> (" + SECOND.sessionToken().length() + " characters) masked=true protected=true");
        assertThat(gitlab.findAll(postRequestedFor(urlPathEqualTo("/api/v4/projects/platform%2Fbilling/variables")))
                .get(0).getHeader("PRIVATE-TOKEN")).isEqualTo(FakeGitLab.TOKEN);
        assertThat(r.details()).containsEntry("environmentScope", "production").containsEntry("project", "platform/billing");

        PlacementReceipt g = place(request(FIRST, Map.of("group", "platform", "prefix", "SHARED_", "protected", "false")));
        assertThat(FAKE.variables).containsKey("groups:platform|SHARED_AWS_ACCESS_KEY_ID|*");
        assertThat(FAKE.variables.get("groups:platform|SHARED_AWS_ACCESS_KEY_ID|*").path("protected").asBoolean()).isFalse();
        placement.remove(g);
        placement.remove(r);
        assertThat(stored()).isEmpty();
    }

    @Test
    void aWholeCredentialInOneVariableCannotBeMaskedSoItNeedsMaskedFalse() {
        Map<String, String> o = new LinkedHashMap<>(options("billing"));
        o.put("layout", "env");
        o.put("variable-name", "AWS_CREDENTIALS");
        Throwable e = catchThrowable(() -> place(request(FIRST, o)));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("cannot mask");
        o.put("masked", "false");
        o.put("variable-type", "file");
        PlacementReceipt r = place(request(FIRST, o));
        assertThat(FAKE.variables.get("projects:platform/billing|AWS_CREDENTIALS|*").path("value").asText())
                .startsWith("AWS_ACCESS_KEY_ID=" + FIRST.accessKeyId() + "\n");
        assertThat(FAKE.variables.get("projects:platform/billing|AWS_CREDENTIALS|*").path("variable_type").asText())
                .isEqualTo("file");
        assertThat(placement.verify(r).present()).isTrue();
    }

    @Test
    void a400HalfWayDeletesWhatWasCreatedAndSaysWhy() {
        gitlab.stubFor(post(urlPathEqualTo("/api/v4/projects/platform%2Fhalf/variables"))
                .withRequestBody(equalToJson("{\"key\":\"AWS_SECRET_ACCESS_KEY\"}", true, true)).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":{\"value\":[\"is invalid\"]}}")));
        Throwable e = catchThrowable(() -> place(request(FIRST, options("half"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("HTTP 400")
                .hasMessageContaining("is invalid").hasMessageContaining("creating variable AWS_SECRET_ACCESS_KEY");
        assertThat(stored()).as("AWS_ACCESS_KEY_ID, created first, was deleted").isEmpty();
    }

    @Test
    void aKeyAlreadyTakenByARaceIsRefusedAndACreateWhoseAnswerWasLostIsAdopted() {
        // the first POST succeeded but its answer was lost: the variable holds exactly this canary's value
        FAKE.variables.put("projects:platform/retry|AWS_ACCESS_KEY_ID|*", FakeApi.JSON.createObjectNode()
                .put("key", "AWS_ACCESS_KEY_ID").put("value", FIRST.accessKeyId()).put("environment_scope", "*")
                .put("masked", true).put("protected", true));
        PlacementReceipt r = place(request(FIRST, options("retry")));
        assertThat(placement.verify(r).present()).isTrue();
        assertThat(gitlab.findAll(postRequestedFor(anyUrl()))).hasSize(1); // only the secret access key was created
    }

    @Test
    void aBadTokenIs401AndAttacksThroughOptionsAreRefusedBeforeAnyRequest() {
        GitLabCiVariablePlacement wrong = GitLabCiVariablePlacement.builder().api(URI.create(gitlab.baseUrl() + "/api/v4"),
                Secret.of("glpat-wrongwrongwrongwrong")).build();
        Throwable e = catchThrowable(() -> wrong.place(request(FIRST, options("billing"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("HTTP 401: 401 Unauthorized")
                .hasMessageNotContaining("glpat-wrong");
        int before = gitlab.findAll(anyRequestedFor(anyUrl())).size();
        for (Map<String, String> bad : List.of(Map.of("project", "platform/../../admin"), Map.of("project", "a?b=c"),
                Map.of("group", "g", "prefix", "X-"), Map.of("project", "p", "environment-scope", "prod\nX: y"),
                Map.of("project", "p", "prefix", "DECOY_"), Map.of("project", "p", "group", "g"))) {
            Throwable t = catchThrowable(() -> place(request(FIRST, bad)));
            errors.add(t);
            assertThat(t).as(bad.toString()).isInstanceOf(CanaryConfigurationException.class);
        }
        assertThat(gitlab.findAll(anyRequestedFor(anyUrl()))).hasSize(before);
        place(request(FIRST, options("billing")));
    }

    @Test
    void theProviderReadsItsSettingsAndTheEnvironment() {
        PlacementEnvironment env = PlacementEnvironment.of(Map.of("GITLAB_TOKEN", FakeGitLab.TOKEN,
                "CI_API_V4_URL", gitlab.baseUrl() + "/api/v4"), Map.of());
        try (Placement p = GitLabCiVariablePlacementProvider.create(CanaryConfig.empty(), env)) {
            receipts.add(p.place(request(FIRST, options("from-env"))));
        }
        assertThat(stored()).hasSize(2);
        Throwable e = catchThrowable(() -> GitLabCiVariablePlacementProvider.create(CanaryConfig.of(Map.of(
                "api-url", "http://gitlab.internal.example/api/v4", "token", FakeGitLab.TOKEN)), env));
        errors.add(e);
        assertThat(e).hasMessageContaining("plain HTTP");
    }
}
