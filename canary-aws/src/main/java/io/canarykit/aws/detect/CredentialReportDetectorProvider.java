package io.canarykit.aws.detect;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code credential-report}: a {@link CredentialReportDetector} with an IAM client from the client keys of
 * {@link DetectorClients} (with {@code role-name}: each canary's own account through that role) and {@code reuse} (how long a report is used, default 4h).
 *
 * @since 0.1.0
 */
public final class CredentialReportDetectorProvider implements DetectorProvider {
    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.duration("reuse", "how long a generated credential report is reused").withDefault("4h"));

    /** For {@link java.util.ServiceLoader}. */
    public CredentialReportDetectorProvider() {
    }

    @Override
    public String name() {
        return "credential-report";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        return CredentialReportDetector.builder()
                .clients(DetectorClients.fromConfig(config)::iamIn)
                .reuse(config.getDuration("reuse", Duration.ofHours(4)))
                .build();
    }
}
