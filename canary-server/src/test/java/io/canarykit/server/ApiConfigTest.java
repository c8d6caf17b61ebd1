package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiConfigTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private static IssuanceApi build(Map<String, String> props) {
        CanaryConfig config = CanaryConfig.of(props);
        try (CanaryService service = CanaryService.fromConfig(CanaryConfig.of(Map.of(
                "canary.issuer.iam-user.account-id", "123456789012", "canary.issuer.iam-user.region", "us-east-1")))) {
            return IssuanceApi.fromConfig(config, service).build();
        }
    }

    @Test
    void readsCallersProfilesAndLimits(@TempDir Path dir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("canary.api.tokens.ci", TOKEN);
        p.put("canary.api.caller.ci.profiles", "return,ci-env");
        p.put("canary.api.caller.ci.asset-kinds", "ci-build");
        p.put("canary.api.caller.ci.kinds", "assume-role");
        p.put("canary.api.caller.ops.token", "fedcba9876543210fedcba9876543210");
        p.put("canary.api.caller.ops.admin", "true");
        p.put("canary.api.profile.ci-env.placement", "env");
        p.put("canary.api.profile.ci-env.option.path", dir + "/${asset.id}.env");
        p.put("canary.api.profile.ci-env.option.prefix", "DEPLOY_");
        p.put("canary.api.profile.ci-env.allowed-directories", dir.toString());
        p.put("canary.api.profile.ci-env.kind", "assume-role");
        p.put("canary.api.header-timeout", "5s");
        p.put("canary.api.max-connections-per-address", "4");
        IssuanceApi api = build(p);
        assertThat(api.profiles()).containsKeys("return", "ci-env");
        PlacementProfile env = api.profiles().get("ci-env");
        assertThat(env.kind()).isEqualTo(CredentialKind.ASSUMED_ROLE);
        assertThat(env.options()).containsEntry("prefix", "DEPLOY_");
        assertThat(env.allowedDirectories()).containsExactly(dir);
        assertThat(ServerLimits.fromConfig(CanaryConfig.of(p)).headerTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void refusesUnknownKeysAndUnconfiguredProfiles() {
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.header-timout", "5s")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("canary.api.header-timout")
                .hasMessageContaining("header-timeout");
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.caller.ci.profile", "x")))
                .hasMessageContaining("canary.api.caller.ci.profile");
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.caller.ci.profiles", "nope")))
                .hasMessageContaining("not configured");
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.profile.x.option.path", "/a")))
                .hasMessageContaining("canary.api.profile.x.placement");
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.authenticators", "oidc")))
                .hasMessageContaining("no CallerAuthenticatorProvider");
    }

    @Test
    void weakOrSharedTokensAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", "short")))
                .hasMessageContaining("at least 16").hasMessageNotContaining("short");
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN, "canary.api.tokens.other", TOKEN)))
                .hasMessageContaining("the same bearer token").hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> build(Map.of("canary.api.tokens.ci", TOKEN + "!")))
                .hasMessageContaining("letters, digits").hasMessageNotContaining(TOKEN);
    }
}
