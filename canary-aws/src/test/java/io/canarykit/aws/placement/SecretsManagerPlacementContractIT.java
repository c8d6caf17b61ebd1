package io.canarykit.aws.placement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.aws.issue.Emulated;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.testkit.aws.AwsEmulatorExtension;
import io.canarykit.testkit.aws.SecretView;
import io.canarykit.testkit.placement.PlacementContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code aws-secrets-manager} passes the test kit's shared placement contract, against the emulator's Secrets Manager. */
class SecretsManagerPlacementContractIT extends PlacementContract {
    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create().resetBeforeEach();

    private SecretsManagerClient client;

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        client = aws.emulator().configure(SecretsManagerClient.builder(), aws.adminCredentials(), Region.EU_WEST_1)
                .overrideConfiguration(o -> o.retryStrategy(Emulated.fastRetries(3))).build();
        return SecretsManagerPlacement.builder().client(client).recoveryWindowDays(0).build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("name", "prod/billing/exporter", "tags", "team=billing");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        return aws.emulator().secrets(aws.accountId()).stream()
                .filter(s -> s.arn().equals(receipt.detail("arn")) && !s.scheduledForDeletion() && s.currentValue() != null)
                .findFirst().map(s -> parse(s.currentValue().reveal())).orElse(null);
    }

    static CanaryCredential parse(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            String token = n.path("AWS_SESSION_TOKEN").asText(null);
            return new CanaryCredential(n.path("AWS_ACCESS_KEY_ID").asText(), Secret.of(n.path("AWS_SECRET_ACCESS_KEY").asText()),
                    Secret.ofNullable(token), null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        client.createSecret(r -> r.name("prod/team/deploy").secretString("{\"AWS_ACCESS_KEY_ID\":\"AKIAREALKEYOFTHETEAM1\"}"));
        return List.of(Map.of("name", "prod/team/deploy"), Map.of("name", "prod/canary/aws"),
                Map.of("name", "prod/billing/x", "tags", "purpose=honeytoken"), Map.of("name", "bad name with spaces"));
    }

    @Override
    protected String externalState() {
        return aws.emulator().secrets(aws.accountId()).stream().map(SecretView::toString).collect(Collectors.joining("\n"))
                + aws.emulator().secrets(aws.accountId()).stream().map(s -> s.currentValue() == null ? "-"
                : Integer.toString(s.currentValue().reveal().hashCode())).collect(Collectors.joining(","));
    }
}
