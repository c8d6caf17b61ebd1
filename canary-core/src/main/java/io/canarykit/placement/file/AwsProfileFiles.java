package io.canarykit.placement.file;

import io.canarykit.placement.PlacementEnvironment;

import java.nio.file.Path;

/** Where the AWS SDKs look for the shared files, as SDK v2's {@code ProfileFileLocation} decides. */
final class AwsProfileFiles {
    private AwsProfileFiles() {
    }

    /** {@code aws.sharedCredentialsFile}, else {@code AWS_SHARED_CREDENTIALS_FILE}, else {@code ~/.aws/credentials}. */
    static Path credentialsFile(PlacementEnvironment env) {
        String v = env.awsSetting("aws.sharedCredentialsFile", "AWS_SHARED_CREDENTIALS_FILE");
        return v != null ? env.expandHome(v) : env.home().resolve(".aws").resolve("credentials");
    }

    /** {@code aws.configFile}, else {@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}. */
    static Path configFile(PlacementEnvironment env) {
        String v = env.awsSetting("aws.configFile", "AWS_CONFIG_FILE");
        return v != null ? env.expandHome(v) : env.home().resolve(".aws").resolve("config");
    }
}
