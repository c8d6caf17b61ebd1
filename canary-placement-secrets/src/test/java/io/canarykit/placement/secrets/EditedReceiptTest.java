package io.canarykit.placement.secrets;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The attack: a receipt edited (or forged) so that it names its scope but drops the detail that scope needs. Removing
 * with it must fail with the receipt error, before any request, and not with a {@code NullPointerException}.
 */
class EditedReceiptTest {
    /** Nothing listens here (the discard port on loopback): a request sent would fail with another error. */
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
    private static final Secret TOKEN = Secret.of("test-token-test-token-test-token");

    @Test
    void aGitHubReceiptWithoutItsOrganizationIsRefused() {
        GitHubActionsSecretPlacement p = GitHubActionsSecretPlacement.builder().api(NOWHERE, TOKEN).build();
        PlacementReceipt edited = new PlacementReceipt(GitHubActionsSecretPlacement.NAME, "github org octo-org",
                Map.of("scope", "organization", "names", "AWS_ACCESS_KEY_ID", "accessKeyId", "AKIAIOSFODNN7EXAMPLE"),
                Instant.parse("2026-01-01T00:00:00Z"));
        Throwable e = catchThrowable(() -> p.remove(edited));
        assertThat(e).isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("this receipt was not written by placement github-actions-secret (placement "
                        + "'github-actions-secret'); use the placement named in it");
    }

    @Test
    void aGitLabReceiptWithoutItsProjectIsRefused() {
        GitLabCiVariablePlacement p = GitLabCiVariablePlacement.builder().api(NOWHERE, TOKEN).build();
        PlacementReceipt edited = new PlacementReceipt(GitLabCiVariablePlacement.NAME, "gitlab project 42",
                Map.of("scope", "project", "names", "AWS_ACCESS_KEY_ID", "idName", "AWS_ACCESS_KEY_ID",
                        "environmentScope", "*", "accessKeyId", "AKIAIOSFODNN7EXAMPLE"),
                Instant.parse("2026-01-01T00:00:00Z"));
        Throwable e = catchThrowable(() -> p.remove(edited));
        assertThat(e).isInstanceOf(CanaryConfigurationException.class)
                .hasMessage("this receipt was not written by placement gitlab-ci-variable (placement "
                        + "'gitlab-ci-variable'); use the placement named in it");
    }
}
