package io.canarykit.placement.secrets;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code github-actions-secret} passes the test kit's shared placement contract, against GitHub's documented API. */
class GitHubActionsSecretPlacementContractIT extends PlacementContract {
    static final FakeGitHub FAKE = new FakeGitHub();
    static final String SCOPE = "/repos/octo-org/billing-service/environments/production";

    @RegisterExtension
    static WireMockExtension github = RestPlacementContract.wireMock(FAKE);

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        RestPlacementContract.answerWith(github, FAKE);
        FAKE.secrets.clear();
        return GitHubActionsSecretPlacement.builder().api(URI.create(github.baseUrl()), Secret.of(FakeGitHub.TOKEN))
                .sleeper(d -> FAKE.now = FAKE.now.plus(d)).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("repository", "octo-org/billing-service", "environment", "production");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        String id = FAKE.open(SCOPE, "AWS_ACCESS_KEY_ID");
        String secret = FAKE.open(SCOPE, "AWS_SECRET_ACCESS_KEY");
        return id == null || secret == null ? null
                : new CanaryCredential(id, Secret.of(secret), Secret.ofNullable(FAKE.open(SCOPE, "AWS_SESSION_TOKEN")), null);
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        FAKE.secrets.put("/repos/octo-org/team-service/actions/AWS_ACCESS_KEY_ID", new FakeGitHub.Stored(
                "/repos/octo-org/team-service/actions", "AWS_ACCESS_KEY_ID", new byte[60], "1", Instant.EPOCH,
                Instant.EPOCH, null));
        return List.of(Map.of("repository", "octo-org/team-service"), Map.of("repository", "octo-org/../admin"),
                Map.of("repository", "octo-org/app", "prefix", "CANARY_"));
    }

    @Override
    protected String externalState() {
        StringBuilder sb = new StringBuilder();
        FAKE.secrets.forEach((k, v) -> sb.append(k).append(' ').append(v.updatedAt()).append('\n'));
        return sb.toString();
    }
}
