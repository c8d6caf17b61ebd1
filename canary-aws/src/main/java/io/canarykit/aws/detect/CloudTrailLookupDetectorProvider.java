package io.canarykit.aws.detect;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorProvider;

import java.time.Duration;

/**
 * Provider {@code cloudtrail-lookup}: a {@link CloudTrailLookupDetector} with CloudTrail clients from the client keys
 * of {@link DetectorClients} ({@code region}, {@code endpoint}, {@code profile}, ...: the credentials' account, or with
 * {@code role-name} each canary's own account through that role)
 * and: {@code regions} (comma-separated, besides us-east-1; default every region enabled by default),
 * {@code accounts}, {@code overlap} (30m), {@code by-user-name} (true).
 *
 * @since 0.1.0
 */
public final class CloudTrailLookupDetectorProvider implements DetectorProvider {
    private static final ConfigKeys KEYS = DetectorClients.KEYS.and(
            ConfigKey.list("regions", "the regions to read (default: the common ones)"),
            ConfigKey.list("accounts", "the accounts to read"),
            ConfigKey.duration("overlap", "how far each pass reads back over the last one").withDefault("30m"),
            ConfigKey.bool("by-user-name", "also look events up by user name").withDefault("true"));

    /** For {@link java.util.ServiceLoader}. */
    public CloudTrailLookupDetectorProvider() {
    }

    @Override
    public String name() {
        return "cloudtrail-lookup";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Detector create(CanaryConfig config) {
        DetectorClients clients = DetectorClients.fromConfig(config);
        return CloudTrailLookupDetector.builder()
                .clients(clients::cloudTrailIn)
                .regions(config.getList("regions", CloudTrailLookupDetector.DEFAULT_REGIONS))
                .accounts(config.getList("accounts"))
                .overlap(config.getDuration("overlap", Duration.ofMinutes(30)))
                .byUserName(config.getBoolean("by-user-name", true))
                .build();
    }
}
