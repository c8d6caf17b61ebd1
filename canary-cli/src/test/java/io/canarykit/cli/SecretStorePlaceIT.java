package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code canary place --config} and {@code canary unplace --config} with the secret-store placements: the product
 * carries them (found by name), and their settings come from the file, not from {@code --option}.
 */
class SecretStorePlaceIT {
    private static final String SECRET = "cLiSeCrEt/K7MDENG/bPxRfiCYzEXAMPLEKEY000";
    private static final String CREDENTIAL = "{\"accessKeyId\":\"AKIAY34FZKBOKMUTVV7Q\",\"secretAccessKey\":\"" + SECRET
            + "\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private AwsEmulator aws;

    @BeforeEach
    void start() {
        aws = AwsEmulator.builder().start();
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void placesAnSsmParameterWithSettingsFromTheConfigFileAndUnplacesIt() throws Exception {
        EmulatedCredentials admin = aws.adminCredentials();
        Path config = dir.resolve("canary.properties");
        Files.writeString(config, "canary.placement.ssm-parameter.region=eu-central-1\n"
                + "canary.placement.ssm-parameter.endpoint=" + aws.endpoint() + "\n"
                + "canary.placement.ssm-parameter.access-key-id=" + admin.accessKeyId() + "\n"
                + "canary.placement.ssm-parameter.secret-access-key=" + admin.secretAccessKey().reveal() + "\n");
        Path credential = dir.resolve("cred.json");
        Files.writeString(credential, CREDENTIAL);
        CanaryCommandTest.Result r = PlaceCommandTest.run("place", "--placement", "ssm-parameter", "--config",
                config.toString(), "--option", "name=/prod/billing/aws-credentials", "--option", "tags=team=billing",
                "--credential-json", credential.toString(), "--asset", "service/billing");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode receipt = JSON.readTree(r.out());
        assertThat(receipt.path("placement").asText()).isEqualTo("ssm-parameter");
        assertThat(receipt.path("details").path("region").asText()).isEqualTo("eu-central-1");
        assertThat(aws.parameters(aws.accountId())).singleElement().satisfies(p -> {
            assertThat(p.value().reveal()).contains(SECRET);
            assertThat(p.tags()).containsEntry("team", "billing");
        });
        assertThat(r.out() + r.err()).doesNotContain(admin.secretAccessKey().reveal());

        Path receiptFile = dir.resolve("receipt.json");
        Files.writeString(receiptFile, r.out());
        CanaryCommandTest.Result u = PlaceCommandTest.run("unplace", "--config", config.toString(), "--receipt",
                receiptFile.toString());
        assertThat(u.code()).as(u.err()).isZero();
        assertThat(u.out()).contains("removed: ssm-parameter");
        assertThat(aws.parameters(aws.accountId())).isEmpty();
    }

    @Test
    void theRestPlacementsAreInTheProductAndSayWhatTheyNeed() throws Exception {
        Path credential = dir.resolve("cred.json");
        Files.writeString(credential, CREDENTIAL);
        Path config = dir.resolve("canary.properties");
        Files.writeString(config, "canary.placement.github-actions-secret.token-file=" + dir.resolve("missing") + "\n"
                + "canary.placement.gitlab-ci-variable.token-file=" + dir.resolve("missing") + "\n"
                + "canary.placement.vault-kv.api-url=https://vault.example.com:8200\n"
                + "canary.placement.vault-kv.token-file=" + dir.resolve("missing") + "\n");
        for (String name : new String[] {"github-actions-secret", "gitlab-ci-variable", "vault-kv"}) {
            CanaryCommandTest.Result r = PlaceCommandTest.run("place", "--placement", name, "--config", config.toString(),
                    "--credential-json", credential.toString());
            assertThat(r.code()).as(name).isNotZero();
            assertThat(r.err()).as(name).contains("token-file: cannot read").doesNotContain("unknown placement");
        }
    }
}
