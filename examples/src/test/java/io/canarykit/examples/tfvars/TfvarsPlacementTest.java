package io.canarykit.examples.tfvars;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import io.canarykit.placement.PlacementRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plugin is found by the registry from its own service file, next to the built-in placements. */
class TfvarsPlacementTest {
    private static final String SECRET = "tFvArSsEcReT/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjTFVARSTOKEN+/=";

    @TempDir
    Path dir;

    private static PlacementRequest request(Path file, String key) {
        CanaryCredential c = new CanaryCredential(key, Secret.of(SECRET), Secret.of(TOKEN), Instant.parse("2030-01-01T00:00:00Z"));
        return new PlacementRequest(CanaryId.generate(java.time.Clock.systemUTC()), Asset.of("ci-build", "infra-42"), c,
                Map.of("path", file.toString(), "region", "eu-west-1"));
    }

    @Test
    void theRegistryDiscoversThePluginBesideTheBuiltInPlacements() throws Exception {
        ProviderRegistry<Placement, PlacementProvider> registry = ProviderRegistry.load(PlacementProvider.class);
        assertThat(registry.names()).contains("terraform-tfvars", "aws-credentials-file", "env", "imds");
        assertThat(registry.problems()).isEmpty();

        Placement p = registry.create("terraform-tfvars", CanaryConfig.empty());
        assertThat(p).isInstanceOf(TfvarsPlacement.class);
        Path file = dir.resolve("infra/prod.auto.tfvars");
        PlacementReceipt r = p.place(request(file, "ASIAY34FZKBOKMUTVV7T"));
        assertThat(Files.readString(file)).isEqualTo(String.join(System.lineSeparator(),
                "aws_access_key = \"ASIAY34FZKBOKMUTVV7T\"",
                "aws_secret_key = \"" + SECRET + "\"",
                "aws_token      = \"" + TOKEN + "\"",
                "aws_region     = \"eu-west-1\"", ""));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(r.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
        assertThat(p.verify(r).present()).isTrue();

        PlacementReceipt r2 = p.replace(r, request(file, "ASIAY34FZKBOKMUTVV7U"));
        assertThat(p.verify(r).present()).isFalse();
        assertThat(p.verify(r2).present()).isTrue();
        p.remove(r);
        assertThat(file).exists();
        p.remove(r2);
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("infra")).as("the directory the placement made goes with its file").doesNotExist();
    }

    @Test
    void refusesAFileItDidNotWrite() throws Exception {
        Path file = dir.resolve("team.auto.tfvars");
        Files.writeString(file, "instance_type = \"t3.micro\"\n");
        Placement p = new TfvarsPlacementProvider().create(CanaryConfig.empty());
        assertThatThrownBy(() -> p.place(request(file, "ASIAY34FZKBOKMUTVV7T")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("instance_type = \"t3.micro\"\n");
    }
}
