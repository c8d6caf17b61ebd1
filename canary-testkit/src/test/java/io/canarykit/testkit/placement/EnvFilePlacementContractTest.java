package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.file.EnvFilePlacement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code env} passes the placement contract. */
class EnvFilePlacementContractTest extends PlacementContract {
    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return EnvFilePlacement.builder().environment(environment).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("path", directory.resolve(".env").toString(), "format", "export", "prefix", "LEGACY_");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return ReadBack.envFile(Path.of(receipt.location()), "LEGACY_");
    }

    @Override
    protected void prepareExistingContent(Path directory) {
        ReadBack.write(directory.resolve(".env"), "# app\nDATABASE_URL=postgres://db/app\nexport PATH_EXTRA=/opt/bin");
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        ReadBack.write(directory.resolve("theirs.env"), "LEGACY_AWS_ACCESS_KEY_ID=AKIAREALREALREAL0000\n");
        return List.of(Map.of("path", directory.resolve("theirs.env").toString(), "prefix", "LEGACY_"),
                Map.of("path", directory.resolve(".env").toString(), "format", "github-env"),
                Map.of("path", directory.resolve(".env").toString(), "prefix", "1BAD"));
    }
}
