package io.canarykit;

import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CanaryService#fromConfig} refuses unknown keys under {@code canary.} before building anything. */
class CanaryServiceConfigTest {
    private static final String SECRET = "s3cr3t-value-under-a-misspelt-key";

    @Test
    void aMisspeltKeyIsRefusedWithTheClosestKnownKeyAndNoValue() {
        assertThatThrownBy(() -> CanaryService.fromConfig(CanaryConfig.of(Map.of("canary.alert.sinkz", "logging",
                "canary.alert.webhok.hmac-key", SECRET))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.alert.sinkz (did you mean canary.alert.sinks?)")
                .hasMessageContaining("canary.alert.webhok.hmac-key (did you mean canary.alert.webhook.hmac-key?)")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void knownKeysPassTheCheckAndBuildingGoesOn() {
        // positive control: the same configuration spelt right gets past the key check, and fails only later
        // because core's tests have no issuer provider on the class path
        assertThatThrownBy(() -> CanaryService.fromConfig(CanaryConfig.of(Map.of("canary.alert.sinks", "logging",
                "canary.alert.webhook.hmac-key", SECRET))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("iam-user")
                .hasMessageNotContaining("unknown configuration key")
                .hasMessageNotContaining(SECRET);
    }
}
