package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.testkit.placement.PlacementContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code gitlab-ci-variable} passes the test kit's shared placement contract, against GitLab's documented API. */
class GitLabCiVariablePlacementContractIT extends PlacementContract {
    static final FakeGitLab FAKE = new FakeGitLab();
    static final String OWNER = "projects:platform/billing|";

    @RegisterExtension
    static WireMockExtension gitlab = RestPlacementContract.wireMock(FAKE);

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        RestPlacementContract.answerWith(gitlab, FAKE);
        FAKE.variables.clear();
        return GitLabCiVariablePlacement.builder().api(URI.create(gitlab.baseUrl() + "/api/v4"), Secret.of(FakeGitLab.TOKEN))
                .build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("project", "platform/billing", "environment-scope", "production");
    }

    private static String value(String key) {
        ObjectNode v = FAKE.variables.get(OWNER + key + "|production");
        return v == null ? null : v.path("value").asText();
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        String id = value("AWS_ACCESS_KEY_ID");
        String secret = value("AWS_SECRET_ACCESS_KEY");
        return id == null || secret == null ? null
                : new CanaryCredential(id, Secret.of(secret), Secret.ofNullable(value("AWS_SESSION_TOKEN")), null);
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        FAKE.variables.put("projects:platform/team|AWS_ACCESS_KEY_ID|*", FakeApi.JSON.createObjectNode()
                .put("key", "AWS_ACCESS_KEY_ID").put("value", "AKIAREALKEYOFTHETEAM1").put("environment_scope", "*"));
        return List.of(Map.of("project", "platform/team"), Map.of("project", "platform/../admin"),
                Map.of("project", "platform/billing", "layout", "json", "variable-name", "AWS_CREDENTIALS"));
    }

    @Override
    protected String externalState() {
        StringBuilder sb = new StringBuilder();
        FAKE.variables.forEach((k, v) -> sb.append(k).append(' ').append(v.path("value").asText().hashCode()).append('\n'));
        return sb.toString();
    }
}
