package io.canarykit.aws.detect;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code access-key-last-used}: an {@link AccessKeyLastUsedDetector} with an IAM client from the client keys
 * of {@link DetectorClients} (with {@code role-name}: each canary's own account through that role) and {@code pace}
 * (the wait between calls, default 200ms).
 *
 * @since 0.1.0
 */
public final class AccessKeyLastUsedDetectorProvider implements DetectorProvider {
    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.duration("pace", "pause between GetAccessKeyLastUsed calls").withDefault("200ms"));

    /** For {@link java.util.ServiceLoader}. */
    public AccessKeyLastUsedDetectorProvider() {
    }

    @Override
    public String name() {
        return "access-key-last-used";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        return AccessKeyLastUsedDetector.builder()
                .clients(DetectorClients.fromConfig(config)::iamIn)
                .pace(config.getDuration("pace", Duration.ofMillis(200)))
                .build();
    }
}
