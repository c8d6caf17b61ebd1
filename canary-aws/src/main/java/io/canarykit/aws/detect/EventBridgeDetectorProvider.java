package io.canarykit.aws.detect;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;
import io.canarykit.detect.EventBridgeDetector;

/**
 * Provider {@code eventbridge}: the SDK-free {@link EventBridgeDetector} of canary-core (hand it events with
 * {@link EventBridgeDetector#offer}); key {@code source} renames the sightings' source (default {@code eventbridge}).
 *
 * @since 0.1.0
 */
public final class EventBridgeDetectorProvider implements DetectorProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("source", "the source name sightings carry").withDefault("eventbridge"));

    /** For {@link java.util.ServiceLoader}. */
    public EventBridgeDetectorProvider() {
    }

    @Override
    public String name() {
        return "eventbridge";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        return EventBridgeDetector.builder().source(config.getString("source", "eventbridge")).build();
    }
}
