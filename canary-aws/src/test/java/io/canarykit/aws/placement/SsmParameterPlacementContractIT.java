package io.canarykit.aws.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.aws.issue.Emulated;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.testkit.aws.AwsEmulatorExtension;
import io.canarykit.testkit.placement.PlacementContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code ssm-parameter} passes the test kit's shared placement contract, against the emulator's Parameter Store. */
class SsmParameterPlacementContractIT extends PlacementContract {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create().resetBeforeEach();

    private SsmClient client;

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        client = aws.emulator().configure(SsmClient.builder(), aws.adminCredentials(), Region.EU_WEST_1)
                .overrideConfiguration(o -> o.retryStrategy(Emulated.fastRetries(3))).build();
        return SsmParameterPlacement.builder().client(client).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("name", "/prod/billing/exporter", "tags", "team=billing");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return aws.emulator().parameters(aws.accountId()).stream().filter(p -> p.arn().equals(receipt.detail("arn")))
                .findFirst().map(p -> SecretsManagerPlacementContractIT.parse(p.value().reveal())).orElse(null);
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        client.putParameter(r -> r.name("/prod/team/deploy").value("{\"AWS_ACCESS_KEY_ID\":\"AKIAREALKEYOFTHETEAM1\"}")
                .type(ParameterType.SECURE_STRING));
        return List.of(Map.of("name", "/prod/team/deploy"), Map.of("name", "/aws/reserved"), Map.of("name", "/ci/decoy/aws"));
    }

    @Override
    protected String externalState() {
        return aws.emulator().parameters(aws.accountId()).stream()
                .map(p -> p.name() + " v" + p.version() + " " + p.value().reveal().hashCode()).collect(Collectors.joining("\n"));
    }
}
