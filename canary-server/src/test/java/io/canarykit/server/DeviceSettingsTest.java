package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code canary.api.devices.*}: every key, the defaults, and the mistakes named. */
class DeviceSettingsTest {

    @Test
    void everyKeyIsReadAndTheRestDefault() {
        DeviceSettings s = DeviceSettings.fromConfig(CanaryConfig.of(Map.of(
                "canary.api.devices.aws-profile", "billing-ro",
                "canary.api.devices.asset-kind", "workstation",
                "canary.api.devices.kind", "iam-user",
                "canary.api.devices.max-age", "10d",
                "canary.api.devices.refresh-before", "1h",
                "canary.api.devices.stale-after", "14d",
                "canary.api.devices.revoke-stale", "true",
                "canary.api.devices.stale-check-interval", "6h")));

        assertThat(s).isEqualTo(new DeviceSettings("workstation", "billing-ro", CredentialKind.IAM_USER,
                Duration.ofDays(10), Duration.ofHours(1), Duration.ofDays(14), true, Duration.ofHours(6)));
        assertThat(DeviceSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.devices.aws-profile", "ops"))))
                .isEqualTo(DeviceSettings.of("ops"))
                .satisfies(d -> assertThat(d.staleCheckInterval()).isEqualTo(Duration.ofDays(1)))
                .satisfies(d -> assertThat(d.revokeStale()).isFalse());
        assertThat(DeviceSettings.fromConfig(CanaryConfig.empty())).isNull();
    }

    @Test
    void mistakesAreNamedWithTheFix() {
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of(
                "canary.api.devices.aws-profile", "default"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("never 'default'");
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of(
                "canary.api.devices.stale-check", "1d", "canary.api.devices.aws-profile", "ops"))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.api.devices.stale-check").hasMessageContaining("stale-check-interval");
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of(
                "canary.api.devices.revoke-stale", "true"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("aws-profile is required");
        assertThatThrownBy(() -> DeviceSettings.of("ops").withStaleCheckInterval(Duration.ZERO))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("stale-check-interval");
    }
}
