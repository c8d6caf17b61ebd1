package io.canarykit.placement.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Manifests read back with real parsers: SnakeYAML (through Jackson) and Jackson; the credentials layout with the SDK. */
class KubernetesSecretPlacementTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private KubernetesSecretPlacement placement() {
        return KubernetesSecretPlacement.builder().environment(environment(dir)).build();
    }

    private static String decoded(JsonNode manifest, String key) {
        return new String(Base64.getDecoder().decode(manifest.path("data").path(key).asText()), StandardCharsets.UTF_8);
    }

    @Test
    void yamlManifestWithEnvKeys() throws Exception {
        Path f = dir.resolve("k8s/aws-credentials.yaml");
        PlacementReceipt r = placement().place(request(session1(), "path", f.toString(), "name", "aws-credentials",
                "namespace", "payments", "labels", "app.kubernetes.io/name=billing,tier=backend"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        JsonNode m = YAML.readTree(f.toFile());
        assertThat(m.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(m.path("kind").asText()).isEqualTo("Secret");
        assertThat(m.path("type").asText()).isEqualTo("Opaque");
        assertThat(m.path("metadata").path("name").asText()).isEqualTo("aws-credentials");
        assertThat(m.path("metadata").path("namespace").asText()).isEqualTo("payments");
        assertThat(m.path("metadata").path("labels").path("tier").asText()).isEqualTo("backend");
        assertThat(decoded(m, "AWS_ACCESS_KEY_ID")).isEqualTo("ASIAY34FZKBOKMUTVV7A");
        assertThat(decoded(m, "AWS_SECRET_ACCESS_KEY")).isEqualTo(SECRET_1);
        assertThat(decoded(m, "AWS_SESSION_TOKEN")).isEqualTo(TOKEN_1);
        assertThat(new String(read(f), StandardCharsets.UTF_8)).doesNotContain(SECRET_1);
        assertThat(placement().verify(r).present()).isTrue();
        placement().remove(r);
        assertThat(f).doesNotExist();
    }

    @Test
    void jsonManifestWithACredentialsFileTheSdkReads() throws Exception {
        Path f = dir.resolve("secret.json");
        PlacementReceipt r = placement().place(request(longTerm1(), "path", f.toString(), "name", "aws",
                "layout", "credentials-file", "profile", "deploy"));
        JsonNode m = JSON.readTree(f.toFile());
        assertThat(m.path("kind").asText()).isEqualTo("Secret");
        String ini = decoded(m, "credentials");
        assertResolvesTo(resolve(sdkAggregate(ini.getBytes(StandardCharsets.UTF_8), null), "deploy"), longTerm1());
        PlacementReceipt r2 = placement().replace(r, request(session2(), "path", f.toString(), "name", "aws",
                "layout", "credentials-file", "profile", "deploy"));
        assertThat(placement().verify(r2).present()).isTrue();
        assertThat(placement().verify(r).present()).isFalse();
        ProfileFile sdk = sdkAggregate(decoded(JSON.readTree(f.toFile()), "credentials").getBytes(StandardCharsets.UTF_8), null);
        assertResolvesTo(resolve(sdk, "deploy"), session2());
        placement().remove(r);
        assertThat(f).exists();
        placement().remove(r2);
        assertThat(f).doesNotExist();
    }

    @Test
    void refusesAFileItDidNotWriteAndBadNames() {
        Path f = dir.resolve("existing.yaml");
        byte[] other = "apiVersion: v1\nkind: ConfigMap\n".getBytes(StandardCharsets.UTF_8);
        write(f, other);
        assertThatThrownBy(() -> placement().place(request(session1(), "path", f.toString(), "name", "x")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        assertThat(read(f)).isEqualTo(other);
        assertThatThrownBy(() -> placement().place(request(session1(), "path", dir.resolve("a.yaml").toString(),
                "name", "Bad_Name"))).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> placement().place(request(session1(), "path", dir.resolve("a.yaml").toString(),
                "name", "ok", "namespace", "a.b"))).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> placement().place(request(session1(), "path", dir.resolve("a.yaml").toString(),
                "name", "ok", "labels", "bad key=x"))).isInstanceOf(CanaryConfigurationException.class);
        assertThat(dir.resolve("a.yaml")).doesNotExist();
    }
}
