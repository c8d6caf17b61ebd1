package io.canarykit.placement.endpoint;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Provider {@code container-credentials}: {@link ContainerCredentialsPlacement}. Settings ({@code
 * canary.placement.container-credentials.*}, optional): {@code host} ({@code 127.0.0.1}), {@code port} (0: free),
 * {@code refresh-before} ({@code 5m}), and the file settings of {@link PlacementFiles.Builder#configure} (for the
 * token file).
 *
 * @since 0.1.0
 */
public final class ContainerCredentialsPlacementProvider implements PlacementProvider {
    static final Set<String> SETTINGS = Stream.concat(PlacementFiles.SETTINGS.stream(),
            Stream.of("host", "port", "refresh-before")).collect(Collectors.toUnmodifiableSet());
    private static final ConfigKeys KEYS = PlacementFiles.SETTING_KEYS.and(
            ConfigKey.string("host", "the address the endpoint listens on").withDefault("127.0.0.1"),
            ConfigKey.integer("port", "the port it listens on (0: a free one)").withDefault("0"),
            ConfigKey.duration("refresh-before", "how long before expiry the credential is refreshed")
                    .withDefault("5m"));

    @Override
    public String name() {
        return ContainerCredentialsPlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, KEYS);
        return ContainerCredentialsPlacement.builder()
                .host(s.getString("host", "127.0.0.1"))
                .port(s.getInt("port", 0))
                .refreshBefore(s.getDuration("refresh-before", Duration.ofMinutes(5)))
                .files(PlacementFiles.builder().configure(s).build())
                .build();
    }
}
