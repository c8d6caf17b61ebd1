package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code canary config check}: the command's contract (findings, exit codes, masking, no AWS call, no store). */
class ConfigCommandTest {
    private static final String HOOK_TOKEN = "T0KEN-in-the-hook-path-7f3a";
    private static final String HMAC = "hmac-value-never-shown-91c2";

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("canary.properties");
        Files.write(f, String.join("\n", lines).getBytes());
        return f;
    }

    @Test
    void aMisspeltKeyIsRefusedWithTheClosestKnownKey() throws IOException {
        Path f = file("canary.alert.sinkz=logging", "canary.store.jdbc.maximum-pool-size=4", "canary.store=jdbc",
                "canary.store.jdbc.url=jdbc:postgresql://127.0.0.1:1/none");
        CanaryCommandTest.Result r = CanaryCommandTest.run("config", "check", "--config", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("canary.alert.sinkz: unknown key (did you mean canary.alert.sinks?)");
        assertThat(r.err()).contains("is not valid: ");
    }

    @Test
    void aValidFileExitsZeroWithoutAwsOrStoreAndMasksSecrets() throws IOException {
        // the JDBC URL and the issuer endpoint point at a closed port: building anything would fail
        Path f = file("canary.store=jdbc", "canary.store.jdbc.url=jdbc:postgresql://127.0.0.1:1/none",
                "canary.issuers=iam-user", "canary.issuer.iam-user.endpoint=http://127.0.0.1:1",
                "canary.alert.sinks=webhook,slack",
                "canary.alert.webhook.url=https://hooks.example.com/" + HOOK_TOKEN,
                "canary.alert.webhook.hmac-key=" + HMAC,
                "canary.alert.slack.url=https://hooks.slack.com/services/" + HOOK_TOKEN,
                "canary.rotate.max-age=30d");
        CanaryCommandTest.Result r = CanaryCommandTest.run("config", "check", "--config", f.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("valid (0 errors", "canary.rotate.max-age=30d", "canary.store=jdbc",
                "canary.alert.webhook.url=****", "canary.alert.webhook.hmac-key=****");
        assertThat(r.out() + r.err()).doesNotContain(HOOK_TOKEN).doesNotContain(HMAC);
    }

    @Test
    void jsonNamesEachFindingAndItsSuggestion() throws IOException {
        Path f = file("canary.detectors=cloudtrail-lookup", "canary.detector.cloudtrail-lookup.max-atempts=3",
                "canary.namer=plausible", "canary.naming.plausible.teams=payments");
        CanaryCommandTest.Result r = CanaryCommandTest.run("config", "check", "--config", f.toString(), "--json");
        assertThat(r.code()).isEqualTo(1);
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertThat(n.get("valid").asBoolean()).isFalse();
        assertThat(n.get("errors").asInt()).isEqualTo(1);
        JsonNode error = n.get("findings").get(0);
        assertThat(error.get("kind").asText()).isEqualTo("unknown-key");
        assertThat(error.get("key").asText()).isEqualTo("canary.detector.cloudtrail-lookup.max-atempts");
        assertThat(error.get("didYouMean").asText()).isEqualTo("canary.detector.cloudtrail-lookup.max-attempts");
        assertThat(r.out()).contains("\"deprecated-key\"", "canary.namer.plausible.teams");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(CanaryCommandTest.run("config", "check", "--bogus").code()).isEqualTo(2);
    }
}
