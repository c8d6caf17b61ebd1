package io.canarykit.aws.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;
import io.canarykit.detect.EventBridgeDetector;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectorProvidersTest {
    private final ProviderRegistry<Detector, DetectorProvider> registry = ProviderRegistry.load(DetectorProvider.class);
    private final Map<String, String> client = Map.of("endpoint", "http://127.0.0.1:1", "access-key-id", "AKIAEXAMPLE",
            "secret-access-key", "not-a-real-secret-value");

    /** Builds the detector the way CanaryService does: from the whole configuration, its keys under its scope. */
    private Detector create(String name, CanaryConfig settings) {
        Map<String, String> root = new LinkedHashMap<>();
        settings.keys().forEach(k -> root.put("canary.detector." + name + "." + k, settings.getString(k)));
        return registry.create(name, CanaryConfig.of(root));
    }

    @Test
    void everyDetectorIsFoundByName() {
        assertThat(registry.names()).contains("cloudtrail-s3", "cloudtrail-lookup", "eventbridge", "access-key-last-used",
                "credential-report", "cloudtrail-sqs", "eventbridge-sqs");
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void buildsEachFromConfiguration() {
        CanaryConfig c = CanaryConfig.of(client);
        assertThat(create("cloudtrail-s3", c.with("bucket", "trail-bucket").with("regions", "us-east-1,eu-west-1")))
                .isInstanceOf(CloudTrailS3Detector.class);
        Detector lookup = create("cloudtrail-lookup", c.with("regions", "eu-west-1"));
        assertThat(((CloudTrailLookupDetector) lookup).regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(((CloudTrailLookupDetector) create("cloudtrail-lookup", c)).regions())
                .containsExactlyElementsOf(CloudTrailLookupDetector.DEFAULT_REGIONS);
        assertThat(create("eventbridge", CanaryConfig.empty())).isInstanceOf(EventBridgeDetector.class);
        assertThat(create("access-key-last-used", c).order()).isEqualTo(Detector.ORDER_SAFETY_NET);
        assertThat(create("credential-report", c.with("reuse", "2h")).order()).isEqualTo(Detector.ORDER_SAFETY_NET);
        assertThat(create("cloudtrail-sqs", c.with("queue-url", "http://127.0.0.1:1/q").with("bucket", "t")
                .with("dead-letter-queue-url", "http://127.0.0.1:1/dlq").with("consumers", "3")))
                .isInstanceOf(CloudTrailSqsDetector.class);
        assertThat(create("eventbridge-sqs", c.with("queue-url", "http://127.0.0.1:1/q")))
                .isInstanceOf(EventBridgeSqsDetector.class);
        assertThat(create("credential-report", c.with("role-name", "canarykit-org"))).isNotNull();
    }

    @Test
    void memberAccountClientsWithoutRoleNameNameTheMissingKey() {
        DetectorClients clients = DetectorClients.fromConfig(
                CanaryConfig.of(Map.of("canary.detector.credential-report.region", "us-east-1"))
                        .scoped("canary.detector.credential-report."));
        assertThat(clients.acrossAccounts()).isFalse();
        assertThatThrownBy(clients::members).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.detector.credential-report.role-name");
    }

    @Test
    void sqsDetectorsSayWhatIsMissingOrOutOfRange() {
        CanaryConfig c = CanaryConfig.of(client);
        assertThatThrownBy(() -> create("cloudtrail-sqs", c.with("bucket", "t")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("queue-url");
        assertThatThrownBy(() -> create("cloudtrail-sqs", c.with("queue-url", "http://127.0.0.1:1/q")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("bucket");
        CanaryConfig q = c.with("queue-url", "http://127.0.0.1:1/q").with("bucket", "t");
        assertThatThrownBy(() -> create("cloudtrail-sqs", q.with("consumers", "0")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("consumers");
        assertThatThrownBy(() -> create("cloudtrail-sqs", q.with("visibility-timeout", "1s")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("visibility-timeout");
        assertThatThrownBy(() -> create("cloudtrail-sqs", q.with("wait-time", "30s")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("wait-time");
        assertThatThrownBy(() -> create("eventbridge-sqs", c)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("queue-url")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-a-real-secret-value"));
        assertThatThrownBy(() -> create("eventbridge-sqs", c.with("queue-url", "q").with("max-receive-count", "0")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("max-receive-count");
    }

    @Test
    void badConfigurationSaysWhatToFix() {
        CanaryConfig c = CanaryConfig.of(client);
        assertThatThrownBy(() -> create("cloudtrail-s3", c)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> create("cloudtrail-s3", c.with("bucket", "b").with("parallelism", "0")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> create("access-key-last-used", CanaryConfig.of(Map.of("access-key-id", "AKIA"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("secret-access-key");
        assertThatThrownBy(() -> create("cloudtrail-lookup", c.with("endpoint", "not a url")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("endpoint")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-a-real-secret-value"));
    }
}
