package io.canarykit.placement.file;

import io.canarykit.config.CanaryConfig;
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
    static final Set<String> SETTINGS = union(PlacementFiles.SETTINGS, "credentials-file", "config-file", "region", "output");

    @Override
    public String name() {
        return AwsCredentialsFilePlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        CanaryConfig s = PlacementOptions.settings(name(), config, SETTINGS);
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
