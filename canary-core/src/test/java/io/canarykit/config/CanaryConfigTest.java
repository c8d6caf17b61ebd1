package io.canarykit.config;

import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryConfigTest {

    @Test
    void typedGettersWithDefaults() {
        CanaryConfig c = CanaryConfig.of(Map.of(
                "a.int", "42", "a.bool", "yes", "a.dur", "1h30m", "a.iso", "PT15M", "a.list", " x, y ,,z ",
                "a.map", "team=platform, env=prod", "a.blank", "  ", "a.long", "10_000"));

        assertThat(c.getInt("a.int", 0)).isEqualTo(42);
        assertThat(c.getInt("missing", 7)).isEqualTo(7);
        assertThat(c.getInt("missing")).isNull();
        assertThat(c.getBoolean("a.bool", false)).isTrue();
        assertThat(c.getDuration("a.dur")).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.getDuration("a.iso")).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.getDuration("missing", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.getList("a.list")).containsExactly("x", "y", "z");
        assertThat(c.getList("missing")).isEmpty();
        assertThat(c.getMap("a.map")).containsExactly(Map.entry("team", "platform"), Map.entry("env", "prod"));
        assertThat(c.has("a.blank")).isFalse();
        assertThat(c.getLong("a.long", 0)).isEqualTo(10_000L);
        assertThat(c.getString("missing", "d")).isEqualTo("d");
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatWasExpected() {
        CanaryConfig c = CanaryConfig.of(Map.of("canary.detect.interval", "soon", "canary.max", "many", "b", "maybe"))
                .declaring(ConfigKeys.of(ConfigKey.duration("canary.detect.interval", "an interval"),
                        ConfigKey.integer("canary.max", "a maximum"), ConfigKey.bool("b", "a flag")));

        assertThatThrownBy(() -> c.getDuration("canary.detect.interval"))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.detect.interval").hasMessageContaining("'soon'").hasMessageContaining("15m");
        assertThatThrownBy(() -> c.getInt("canary.max", 1))
                .hasMessageContaining("canary.max").hasMessageContaining("'many'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> c.getBoolean("b", true)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> c.requireString("canary.store")).hasMessageContaining("missing configuration property canary.store");
        assertThatThrownBy(() -> c.getEnum("b", "x", "warn", "refuse")).hasMessageContaining("one of warn, refuse");
    }

    @Test
    void valuesOfKeysNotKnownToBePlainAreNeverShown() {
        // a secret pasted under a misspelt key, under a key nobody declared, or under a secret key
        String secret = "hunter2-3f9a1c77e2b54d0c9a8e";
        CanaryConfig c = CanaryConfig.of(Map.of("canary.store.jdbc.pasword", secret, "canary.rotate.max-age", "soon",
                "canary.api.tokens.ci", secret))
                .declaring(ConfigKeys.of(ConfigKey.duration("canary.rotate.max-age", "an age"),
                        ConfigKey.integer("canary.api.tokens.<caller>", "a token").asSecret()));

        assertThatThrownBy(() -> c.getInt("canary.store.jdbc.pasword", 1)).satisfies(e ->
                assertThat(e.getMessage()).contains("canary.store.jdbc.pasword", "its value").doesNotContain(secret));
        assertThatThrownBy(() -> c.getInt("canary.api.tokens.ci", 1)).satisfies(e ->
                assertThat(e.getMessage()).contains("its value").doesNotContain(secret));
        assertThatThrownBy(() -> c.getDuration("canary.rotate.max-age")).as("positive control: a plain declared key")
                .hasMessageContaining("'soon'");
        assertThat(c.toString()).doesNotContain(secret).contains("canary.store.jdbc.pasword=****",
                "canary.api.tokens.ci=****");
        assertThat(CanaryConfig.of(Map.of("x", secret)).toString()).doesNotContain(secret);
    }

    @Test
    void aScopedViewNamesTheWholeKeyInMessages() {
        CanaryConfig scoped = CanaryConfig.of(Map.of("canary.store.jdbc.pool-size", "many"))
                .declaring(ConfigKeys.of(ConfigKey.integer("canary.store.jdbc.pool-size", "a size")))
                .scoped("canary.store.jdbc.");
        assertThat(scoped.qualified("pool-size")).isEqualTo("canary.store.jdbc.pool-size");
        assertThatThrownBy(() -> scoped.getInt("pool-size", 1))
                .hasMessageContaining("configuration property canary.store.jdbc.pool-size: 'many' is not valid");
        assertThatThrownBy(() -> scoped.requireString("url"))
                .hasMessageContaining("missing configuration property canary.store.jdbc.url");
    }

    @Test
    void secretValuesNeverAppearInMessagesOrToString() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
        CanaryConfig c = CanaryConfig.of(Map.of("canary.webhook.hmac-key", secret, "canary.store.jdbc.password", secret,
                "canary.api.token", secret));

        assertThat(c.toString()).doesNotContain(secret).contains("canary.webhook.hmac-key=****");
        assertThatThrownBy(() -> c.getInt("canary.store.jdbc.password", 1)).satisfies(e ->
                assertThat(e.getMessage()).doesNotContain(secret).contains("canary.store.jdbc.password"));
        assertThatThrownBy(() -> c.getDuration("canary.api.token")).satisfies(e ->
                assertThat(e.getMessage()).doesNotContain(secret));
        assertThat(c.getSecret("canary.api.token").reveal()).isEqualTo(secret);
        assertThat(c.getSecret("canary.api.token").toString()).isEqualTo("****");
    }

    @Test
    void loadsAPropertiesFileAndOverrides(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("canary.properties");
        Files.writeString(f, "# comment\ncanary.store=jdbc\ncanary.tags=a,b\n");
        CanaryConfig c = CanaryConfig.load(f).with("canary.store", "in-memory");

        assertThat(c.getString("canary.store")).isEqualTo("in-memory");
        assertThat(c.getList("canary.tags")).isEqualTo(List.of("a", "b"));
        assertThatThrownBy(() -> CanaryConfig.load(dir.resolve("nope.properties")))
                .hasMessageContaining("does not exist");
    }
}
