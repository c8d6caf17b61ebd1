package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where a lifecycle command's configuration comes from: the file, {@code CANARY_CONFIG}, {@code ${env:NAME}}. */
class ServiceOptionsTest {
    private static final String TOKEN = "tok-3f9a1c77e2b54d0c9a8e";

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    private ServiceOptions options(Path config) {
        ServiceOptions o = new ServiceOptions();
        o.config = config;
        o.environment = environment::get;
        return o;
    }

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("canary.properties");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void referencesTakeWholeAndPartialValuesFromTheEnvironment() throws Exception {
        environment.put("CANARY_API_TOKEN_CI", TOKEN);
        environment.put("DB_HOST", "db.internal");
        CanaryConfig c = options(file(
                "canary.api.tokens.ci=${env:CANARY_API_TOKEN_CI}",
                "canary.store.jdbc.url=jdbc:postgresql://${env:DB_HOST}:5432/canary",
                "canary.kind=iam-user")).configuration();
        assertThat(c.getSecret("canary.api.tokens.ci").reveal()).isEqualTo(TOKEN);
        assertThat(c.getString("canary.store.jdbc.url")).isEqualTo("jdbc:postgresql://db.internal:5432/canary");
        assertThat(c.getString("canary.kind")).isEqualTo("iam-user");
    }

    @Test
    void anUnsetVariableNamesThePropertyAndTheVariable() throws Exception {
        Path f = file("canary.api.tokens.ci=${env:CANARY_API_TOKEN_CI}");
        assertThatThrownBy(() -> options(f).configuration())
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("canary.api.tokens.ci refers to environment variable CANARY_API_TOKEN_CI, which"
                        + " is not set");
    }

    @Test
    void anEmptyVariableLeavesThePropertyUnset() throws Exception {
        environment.put("ALERT_SINKS", "");
        CanaryConfig c = options(file("canary.alert.sinks=${env:ALERT_SINKS}")).configuration();
        assertThat(c.has("canary.alert.sinks")).isFalse();
    }

    @Test
    void malformedReferencesAreReportedTogetherWithoutEchoingValues() throws Exception {
        environment.put("GOOD", TOKEN);
        Path f = file(
                "canary.api.tokens.a=${env:GOOD}",
                "canary.api.tokens.b=${env:not-a-name}",
                "canary.api.tokens.c=prefix-${env:UNTERMINATED");
        assertThatThrownBy(() -> options(f).configuration())
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.api.tokens.b: a ${env:...} reference must name an environment variable")
                .hasMessageContaining("canary.api.tokens.c: a ${env: reference has no closing '}'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN, "not-a-name", "prefix-"));
    }

    @Test
    void aVariableCannotSmuggleInAnotherVariableOrReplacementSyntax() throws Exception {
        // the attacker controls one variable's value (a CI variable, a pod annotation) and tries to read another
        environment.put("SECRET", TOKEN);
        environment.put("LABEL", "${env:SECRET} $1 \\ ${env:");
        CanaryConfig c = options(file("canary.naming.template=x-${env:LABEL}")).configuration();
        assertThat(c.getString("canary.naming.template")).isEqualTo("x-${env:SECRET} $1 \\ ${env:");
    }

    @Test
    void canaryConfigNamesTheFileWhenThereIsNoOption() throws Exception {
        Path f = file("canary.kind=federation-token");
        environment.put("CANARY_CONFIG", f.toString());
        assertThat(options(null).file()).isEqualTo(f);
        assertThat(options(null).configuration().getString("canary.kind")).isEqualTo("federation-token");

        Path other = dir.resolve("other.properties");
        Files.writeString(other, "canary.kind=assume-role\n");
        assertThat(options(other).configuration().getString("canary.kind")).as("--config beats CANARY_CONFIG")
                .isEqualTo("assume-role");
    }

    @Test
    void aMissingFileNamedByCanaryConfigSaysWhatToMount() {
        environment.put("CANARY_CONFIG", dir.resolve("etc/canary/canary.properties").toString());
        assertThatThrownBy(() -> options(null).configuration())
                .isInstanceOf(CliErrors.UsageException.class)
                .hasMessageContaining("CANARY_CONFIG names " + dir.resolve("etc/canary/canary.properties"))
                .hasMessageContaining("mount or create it there, or pass --config FILE");
    }
}
