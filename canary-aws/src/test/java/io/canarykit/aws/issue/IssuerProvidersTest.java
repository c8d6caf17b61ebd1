package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.CanaryIssuerProvider;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IssuerProvidersTest {
    final ProviderRegistry<CanaryIssuer, CanaryIssuerProvider> registry =
            ProviderRegistry.load(CanaryIssuerProvider.class);

    /** Builds the issuer the way CanaryService does: from the whole configuration, its keys under its scope. */
    private CanaryIssuer create(String name, CanaryConfig settings) {
        Map<String, String> root = new LinkedHashMap<>();
        settings.keys().forEach(k -> root.put("canary.issuer." + name + "." + k, settings.getString(k)));
        return registry.create(name, CanaryConfig.of(root));
    }

    @Test
    void theThreeIssuersAreFoundByName() {
        assertThat(registry.names()).contains("iam-user", "assume-role", "federation-token");
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void badConfigurationIsAClearErrorBeforeAnyCall() {
        assertThatThrownBy(() -> create("assume-role", CanaryConfig.empty()))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("role-arn");
        assertThatThrownBy(() -> create("iam-user", CanaryConfig.of(Map.of("account-id", "123456789012",
                "path", "no-slashes"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("IAM path");
        assertThatThrownBy(() -> create("iam-user", CanaryConfig.of(Map.of("account-id", "123456789012",
                "access-key-id", "AKIAIOSFODNN7EXAMPLE"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("secret-access-key");
        assertThatThrownBy(() -> create("iam-user", CanaryConfig.of(Map.of("account-id", "123456789012",
                "endpoint", "not a url"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> create("iam-user", CanaryConfig.of(Map.of("account-id", "123456789012",
                "retry-mode", "sometimes"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("retry-mode");
    }

    @Test
    void anIamUserIssuerBuiltFromConfigurationNeedsNoCallWhenTheAccountIsGiven() {
        CanaryIssuer issuer = create("iam-user", CanaryConfig.of(Map.of("account-id", "123456789012",
                "path", "/automation/", "endpoint", "http://127.0.0.1:9", "access-key-id", "AKIAIOSFODNN7EXAMPLE",
                "secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")));
        assertThat(issuer).isInstanceOf(IamUserIssuer.class);
        assertThat(issuer.accountId()).isEqualTo("123456789012");
        assertThat(((IamUserIssuer) issuer).path()).isEqualTo("/automation/");
        assertThat(issuer.toString()).doesNotContain("wJalrXUtnFEMI");
    }
}
