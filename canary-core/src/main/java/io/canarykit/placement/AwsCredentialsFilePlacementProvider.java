package io.canarykit.placement;

import io.canarykit.config.CanaryConfig;

/**
 * Provider {@code aws-credentials-file}: {@link AwsCredentialsFilePlacement}. Configuration (all optional):
 * {@code credentialsFile}, {@code configFile} (default: what the AWS SDKs would read), {@code followSymlinks}
 * ({@code false}), {@code region} ({@code us-east-1}) and {@code output} ({@code json}) as defaults for requests.
 */
public final class AwsCredentialsFilePlacementProvider implements PlacementProvider {
    @Override
    public String name() {
        return AwsCredentialsFilePlacement.NAME;
    }

    @Override
    public Placement create(CanaryConfig config) {
        return AwsCredentialsFilePlacement.builder()
                .files(PlacementFiles.builder().followSymlinks(config.getBoolean("followSymlinks", false)).build())
                .credentialsFile(config.getPath("credentialsFile"))
                .configFile(config.getPath("configFile"))
                .defaultRegion(config.getString("region", "us-east-1"))
                .defaultOutput(config.getString("output", "json"))
                .build();
    }
}
