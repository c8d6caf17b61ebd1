package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestPacerTest {
    @Test
    void refusesRatesThatMakeNoSense() {
        assertThatThrownBy(() -> RequestPacer.perSecond(0)).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> RequestPacer.perSecond(-3)).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> RequestPacer.perSecond(Double.NaN)).isInstanceOf(CanaryConfigurationException.class);
        assertThat(RequestPacer.perSecond(19).rate()).isEqualTo(19.0);
        assertThat(RequestPacer.perSecond(20).toString()).contains("50 ms");
    }

    @Test
    void clientsFromConfigurationTakeThePace() {
        assertThatThrownBy(() -> AwsClients.fromConfig(CanaryConfig.of(Map.of("max-requests-per-second", "-1"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("max-requests-per-second");
        try (AwsClients clients = AwsClients.fromConfig(CanaryConfig.of(Map.of("max-requests-per-second", "19",
                "endpoint", "http://127.0.0.1:9", "access-key-id", "AKIAIOSFODNN7EXAMPLE",
                "secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))) {
            assertThat(clients.iam().serviceClientConfiguration().overrideConfiguration().executionInterceptors())
                    .isNotEmpty();
        }
    }
}
