package io.canarykit.server;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementProfileTest {

    @Test
    void fillsTemplatesAndKeepsFilesInsideTheAllowedDirectories(@TempDir Path dir) {
        PlacementProfile p = PlacementProfile.of("ci-env", "env", Map.of("path", dir + "/${asset.kind}-${asset.id}.env",
                "prefix", "DEPLOY_"), List.of(dir)).withCallerOptions(Set.of("format"));
        PlacementSpec spec = p.resolve(Asset.of("ci-build", "run-42"), "ci", Map.of("format", "shell"));
        assertThat(spec.placement()).isEqualTo("env");
        assertThat(spec.options()).containsEntry("path", dir + "/ci-build-run-42.env").containsEntry("prefix", "DEPLOY_")
                .containsEntry("format", "shell");
    }

    @Test
    void refusesValuesThatWouldLeaveTheDirectory(@TempDir Path dir) throws Exception {
        Path inside = Files.createDirectories(dir.resolve("in"));
        Path outside = Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(inside.resolve("link"), outside);
        PlacementProfile p = PlacementProfile.of("x", "env", Map.of("path", inside + "/${asset.id}/.env"), List.of(inside));
        for (String id : List.of("..", ".", "../out", "a/b", "-", ".hidden", "x y", "é")) {
            assertThatThrownBy(() -> p.resolve(Asset.of("host", id), "ci", Map.of())).as(id)
                    .isInstanceOf(CanaryConfigurationException.class);
        }
        assertThatThrownBy(() -> p.resolve(Asset.of("host", "link"), "ci", Map.of()))
                .hasMessageContaining("outside the profile's allowed directories");
        assertThat(p.resolve(Asset.of("host", "web-1"), "ci", Map.of()).options().get("path"))
                .isEqualTo(inside + "/web-1/.env");
    }

    @Test
    void requestsCannotSetFilesCommandsOrFlags(@TempDir Path dir) {
        PlacementProfile p = PlacementProfile.of("x", "env", Map.of("path", dir + "/a.env"), List.of(dir))
                .withCallerOptions(Set.of("prefix"));
        for (String option : List.of("path", "followSymlinks", "follow-symlinks", "overwrite")) {
            assertThatThrownBy(() -> p.resolve(Asset.of("host", "h"), "ci", Map.of(option, "x")))
                    .hasMessageContaining("does not let requests set");
        }
        assertThatThrownBy(() -> p.resolve(Asset.of("host", "h"), "ci", Map.of("prefix", "../../x")))
                .hasMessageContaining("must be 1-64");
        for (String option : List.of("path", "credentials-file", "configFile", "command", "overwrite", "allow-default",
                "allowDefault", "follow-symlinks", "token-file")) {
            assertThatThrownBy(() -> p.withCallerOptions(Set.of(option))).as(option)
                    .hasMessageContaining("requests may not set the option");
        }
    }

    @Test
    void fileProfilesMustNameTheirFilesInsideAllowedDirectories(@TempDir Path dir) {
        assertThatThrownBy(() -> PlacementProfile.of("creds", "aws-credentials-file", Map.of("profile", "billing"),
                List.of(dir))).hasMessageContaining("set the option credentials-file");
        assertThatThrownBy(() -> PlacementProfile.of("creds", "aws-credentials-file", Map.of("profile", "billing",
                "credentials-file", dir + "/credentials"), List.of(dir))).hasMessageContaining("config-file");
        assertThat(PlacementProfile.of("creds", "aws-credentials-file", Map.of("profile", "billing",
                "credentials-file", dir + "/credentials", "config", "false"), List.of(dir)).placement())
                .isEqualTo("aws-credentials-file");
        assertThatThrownBy(() -> PlacementProfile.of("proc", "credential-process", Map.of("path", dir + "/p.json",
                "profile", "billing"), List.of(dir))).hasMessageContaining("config-file");
        assertThatThrownBy(() -> PlacementProfile.of("env", "env", Map.of("path", "/etc/shadow"), List.of(dir)))
                .hasMessageContaining("outside the profile's allowed directories");
        assertThatThrownBy(() -> PlacementProfile.of("env", "env", Map.of("path", dir + "/a.env"), List.of()))
                .hasMessageContaining("needs allowed-directories");
        assertThatThrownBy(() -> PlacementProfile.of("env", "env", Map.of("path", dir + "/../a.env"), List.of(dir)))
                .hasMessageContaining("without . or ..");
        assertThatThrownBy(() -> PlacementProfile.of("env", "env", Map.of("path", "a.env"), List.of(dir)))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> PlacementProfile.of("env", "env", Map.of("path", dir + "/${asset.labels}"),
                List.of(dir))).hasMessageContaining("only ${asset.kind}");
        assertThatThrownBy(() -> PlacementProfile.of("return", "env", Map.of("path", dir + "/a"), List.of(dir)))
                .hasMessageContaining("built in");
        assertThatThrownBy(() -> PlacementProfile.of("Bad Name", "env", Map.of(), List.of()))
                .hasMessageContaining("invalid placement profile name");
    }

    @Test
    void pluginPlacementsDeclareWhichOptionsAreFiles(@TempDir Path dir) {
        assertThatThrownBy(() -> new PlacementProfile("tf", "tfvars", Map.of("vars", "/etc/x.tfvars"), List.of(dir),
                Set.of(), Set.of("vars"), null)).hasMessageContaining("outside");
        assertThat(new PlacementProfile("tf", "tfvars", Map.of("vars", dir + "/x.tfvars"), List.of(dir), Set.of(),
                Set.of("vars"), null).name()).isEqualTo("tf");
    }
}
