package io.canarykit.placement.secrets;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementProvider;

/**
 * Provider {@code gitlab-ci-variable}: a {@link GitLabCiVariablePlacement} configured by
 * {@code canary.placement.gitlab-ci-variable.*}: {@code api-url} (default {@code CI_API_V4_URL}, else
 * {@code https://gitlab.com/api/v4}), {@code token-file} or {@code token} (default {@code GITLAB_TOKEN}),
 * {@code timeout}, {@code max-attempts}, {@code max-retry-wait}, {@code allow-http}. Unknown keys are refused.
 *
 * @since 0.1.0
 */
public final class GitLabCiVariablePlacementProvider implements PlacementProvider {
    static final ApiSettings.Service SERVICE = new ApiSettings.Service("GitLab", "https://gitlab.com/api/v4",
            new String[] {"CI_API_V4_URL"}, new String[] {"GITLAB_TOKEN"}, "PRIVATE-TOKEN", "");

    /** For {@link java.util.ServiceLoader}. */
    public GitLabCiVariablePlacementProvider() {
    }

    @Override
    public String name() {
        return GitLabCiVariablePlacement.NAME;
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
        PlacementOptions s = PlacementOptions.strictSettings(GitLabCiVariablePlacement.NAME, config, ApiSettings.KEYS,
                GitLabCiVariablePlacement.OPTIONS);
        return GitLabCiVariablePlacement.builder()
                .connection(ApiSettings.client(GitLabCiVariablePlacement.NAME, SERVICE, s, env)).build();
    }
}
