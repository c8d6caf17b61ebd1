package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.file.CredentialProcessPlacement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code credential-process} passes the placement contract. */
class CredentialProcessPlacementContractTest extends PlacementContract {
    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return CredentialProcessPlacement.builder().environment(environment).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("path", directory.resolve("helper.json").toString(), "profile", "vault",
                "config-file", directory.resolve("config").toString());
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return ReadBack.json(ReadBack.bytes(Path.of(receipt.location())), "AccessKeyId", "SecretAccessKey", "SessionToken");
    }

    @Override
    protected void prepareExistingContent(Path directory) {
        ReadBack.write(directory.resolve("config"), "[default]\r\nregion = us-east-1\r\n# corp\r\n[profile sso]\r\nsso_session = corp\r\n");
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        ReadBack.write(directory.resolve("theirs.json"), "{\"Version\":1,\"AccessKeyId\":\"AKIAREALREALREAL0000\"}");
        return List.of(Map.of("path", directory.resolve("theirs.json").toString()),
                Map.of("path", directory.resolve("helper.json").toString(), "account-id", "12345"));
    }
}
