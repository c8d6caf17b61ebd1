package io.canarykit.placement.secrets;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementProvider;

/**
 * Provider {@code github-actions-secret}: a {@link GitHubActionsSecretPlacement} configured by
 * {@code canary.placement.github-actions-secret.*}: {@code api-url} (default {@code GITHUB_API_URL}, else
 * {@code https://api.github.com}), {@code token-file} or {@code token} (default: {@code GITHUB_TOKEN}, then
 * {@code GH_TOKEN}), {@code timeout} (30s), {@code max-attempts} (3), {@code max-retry-wait} (60s: the longest wait
 * for a rate limit before failing), {@code allow-http} (false). Unknown keys are refused.
 *
 * @since 0.1.0
 */
public final class GitHubActionsSecretPlacementProvider implements PlacementProvider {
    static final ApiSettings.Service SERVICE = new ApiSettings.Service("GitHub", "https://api.github.com",
            new String[] {"GITHUB_API_URL"}, new String[] {"GITHUB_TOKEN", "GH_TOKEN"}, "Authorization", "Bearer ");

    /** For {@link java.util.ServiceLoader}. */
    public GitHubActionsSecretPlacementProvider() {
    }

    @Override
    public String name() {
        return GitHubActionsSecretPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return ApiSettings.CONFIG_KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return create(config, PlacementEnvironment.system());
    }

    static Placement create(CanaryConfig config, PlacementEnvironment env) {
        PlacementOptions s = PlacementOptions.strictSettings(GitHubActionsSecretPlacement.NAME, config, ApiSettings.KEYS,
                GitHubActionsSecretPlacement.OPTIONS);
        return GitHubActionsSecretPlacement.builder()
                .connection(ApiSettings.client(GitHubActionsSecretPlacement.NAME, SERVICE, s, env)).build();
    }
}
