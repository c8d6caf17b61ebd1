package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code aws-credentials-file} passes the placement contract. */
class AwsCredentialsFilePlacementContractTest extends PlacementContract {
    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return AwsCredentialsFilePlacement.builder().environment(environment).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("profile", "billing-ro", "credentials-file", directory.resolve("credentials").toString(),
                "config-file", directory.resolve("config").toString());
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return ReadBack.profile(Path.of(receipt.location()), "billing-ro");
    }

    @Override
    protected void prepareExistingContent(Path directory) {
        ReadBack.write(directory.resolve("credentials"), "# laptop\r\n[default]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n"
                + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n");
        ReadBack.write(directory.resolve("config"), "[default]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n");
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        ReadBack.write(directory.resolve("theirs/credentials"), "[billing-ro]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n");
        return List.of(
                Map.of("profile", "billing-ro", "credentials-file", directory.resolve("theirs/credentials").toString(),
                        "config", "false"),
                Map.of("profile", "default", "credentials-file", directory.resolve("credentials").toString()),
                Map.of("profile", "no spaces", "credentials-file", directory.resolve("credentials").toString()));
    }
}
