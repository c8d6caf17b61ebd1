package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.ServerSettings.Loop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSettingsTest {

    @Test
    void defaultsAndIntervals() {
        ServerSettings d = ServerSettings.defaults();
        assertThat(d.interval(Loop.DETECT)).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.interval(Loop.RECONCILE)).isEqualTo(Duration.ofHours(6));
        assertThat(d.interval(Loop.ONBOARD)).as("off without an inventory").isZero();
        assertThat(d.reconcileFix()).isFalse();
        assertThat(d.logFormat()).isEqualTo("text");
        assertThat(d.instanceId()).matches("[A-Za-z0-9.-]+-\\d+-[0-9a-f]{6}");

        ServerSettings s = ServerSettings.fromConfig(CanaryConfig.of(Map.of(
                "canary.server.detect.interval", "15s", "canary.server.rotate.interval", "off",
                "canary.server.reconcile.fix", "true", "canary.server.onboard.inventory", "csv",
                "canary.server.onboard.option.profile", "ops", "canary.server.instance-id", "pod-1")), Map.of());
        assertThat(s.interval(Loop.DETECT)).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.interval(Loop.ROTATE)).isZero();
        assertThat(s.interval(Loop.ONBOARD)).isEqualTo(Duration.ofHours(1));
        assertThat(s.onboard().placement().options()).containsEntry("profile", "ops");
        assertThat(s.reconcileFix()).isTrue();
        assertThat(s.instanceId()).isEqualTo("pod-1");
    }

    @Test
    void aMisspeltKeyIsRefusedWithTheClosestOne() {
        assertThatThrownBy(() -> ServerSettings.fromConfig(CanaryConfig.of(Map.of("canary.server.detect.intervall",
                "1m")), Map.of())).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.server.detect.intervall").hasMessageContaining("did you mean canary.server.detect.interval?");
        assertThatThrownBy(() -> ServerSettings.fromConfig(CanaryConfig.of(Map.of("canary.server.lease-duration",
                "1s")), Map.of())).hasMessageContaining("at least 3s");
        assertThatThrownBy(() -> ServerSettings.fromConfig(CanaryConfig.of(Map.of("canary.server.metrics.token",
                "short")), Map.of())).hasMessageContaining("at least 16").hasMessageNotContaining("short");
    }

    @Test
    void jsonLogsFromTheKeyOrTheEnvironment() {
        assertThat(ServerSettings.fromConfig(CanaryConfig.empty(), Map.of("CANARY_LOG_FORMAT", "JSON")).logFormat())
                .isEqualTo("json");
        assertThat(ServerSettings.fromConfig(CanaryConfig.of(Map.of("canary.server.log-format", "text")),
                Map.of("CANARY_LOG_FORMAT", "json")).logFormat()).as("the key wins").isEqualTo("text");
        assertThatThrownBy(() -> ServerSettings.fromConfig(CanaryConfig.empty(), Map.of("CANARY_LOG_FORMAT", "xml")))
                .hasMessageContaining("text or json");
    }
}
