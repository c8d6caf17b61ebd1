package io.canarykit.placement.file;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigKey;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementProvider;

import java.util.HashSet;
import java.util.Set;

/**
 * Provider {@code aws-credentials-file}: {@link AwsCredentialsFilePlacement}. Settings ({@code
 * canary.placement.aws-credentials-file.*}, all optional): {@code credentials-file}, {@code config-file} (default: what
 * the AWS SDKs would read), {@code region} ({@code us-east-1}) and {@code output} ({@code json}) as defaults for
 * requests, and the file settings of {@link PlacementFiles.Builder#configure}.
 *
 * @since 0.1.0
 */
public final class AwsCredentialsFilePlacementProvider implements PlacementProvider {
    static final ConfigKeys KEYS = PlacementFiles.SETTING_KEYS.and(
            ConfigKey.path("credentials-file", "the shared credentials file (default: what the AWS SDKs read)"),
            ConfigKey.path("config-file", "the shared config file (default: what the AWS SDKs read)"),
            ConfigKey.string("region", "the region written for a profile when the request names none")
                    .withDefault("us-east-1"),
            ConfigKey.string("output", "the output format written for a profile when the request names none")
                    .withDefault("json"));


    @Override
    public String name() {
        return AwsCredentialsFilePlacement.NAME;
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, KEYS);
        return AwsCredentialsFilePlacement.builder()
                .files(PlacementFiles.builder().configure(s).build())
                .credentialsFile(s.getPath("credentials-file"))
                .configFile(s.getPath("config-file"))
                .defaultRegion(s.getString("region", "us-east-1"))
                .defaultOutput(s.getString("output", "json"))
                .build();
    }

    static Set<String> union(Set<String> a, String... more) {
        Set<String> out = new HashSet<>(a);
        out.addAll(Set.of(more));
        return Set.copyOf(out);
    }
}
