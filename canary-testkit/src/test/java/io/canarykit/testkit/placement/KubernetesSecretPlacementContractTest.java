package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.file.KubernetesSecretPlacement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code kubernetes-secret} passes the placement contract. */
class KubernetesSecretPlacementContractTest extends PlacementContract {
    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return KubernetesSecretPlacement.builder().environment(environment).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("path", directory.resolve("aws-credentials.yaml").toString(), "name", "aws-credentials",
                "namespace", "payments");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return ReadBack.kubernetesYaml(Path.of(receipt.location()));
    }

    @Override
    protected void prepareExistingContent(Path directory) {
        ReadBack.write(directory.resolve("deployment.yaml"), "apiVersion: apps/v1\nkind: Deployment\n");
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        ReadBack.write(directory.resolve("configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
        return List.of(Map.of("path", directory.resolve("configmap.yaml").toString(), "name", "x"),
                Map.of("path", directory.resolve("a.yaml").toString(), "name", "Bad_Name"));
    }
}
