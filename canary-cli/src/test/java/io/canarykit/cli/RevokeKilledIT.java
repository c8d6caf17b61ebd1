package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.server.CanaryJson;
import io.canarykit.testkit.aws.ApiCall;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 6, with a real kill: {@code canary revoke} runs in a child JVM on an H2 file store and is killed
 * with SIGKILL while its first AWS call is in flight (the intent recorded and the placement removed before it). A
 * later {@code canary reconcile} reports no lost placement, and {@code reconcile --fix} finishes the revocation without
 * issuing anything.
 */
class RevokeKilledIT {
    @TempDir
    Path dir;

    private AwsEmulator aws;
    private Path config;
    private Path credentials;

    @BeforeEach
    void start() throws Exception {
        aws = AwsEmulator.builder().start();
        EmulatedCredentials admin = aws.adminCredentials();
        credentials = dir.resolve("home/.aws/credentials");
        Files.createDirectories(credentials.getParent());
        Files.writeString(credentials, "[default]\nregion = us-east-1\n");
        config = dir.resolve("canary.properties");
        Files.write(config, List.of(
                "canary.store=jdbc",
                "canary.store.jdbc.url=jdbc:h2:file:" + dir.resolve("store/canarykit"),
                "canary.issuers=iam-user",
                "canary.issuer.iam-user.endpoint=" + aws.endpoint(),
                "canary.issuer.iam-user.access-key-id=" + admin.accessKeyId(),
                "canary.issuer.iam-user.secret-access-key=" + admin.secretAccessKey().reveal(),
                "canary.issuer.iam-user.max-attempts=1",
                "canary.issuer.iam-user.account-id=" + aws.accountId(),
                "canary.issuance.minimum-age=1s"));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private record Run(int code, String out, String err) {
        List<JsonNode> jsonLines() throws Exception {
            List<JsonNode> nodes = new ArrayList<>();
            for (String l : out.lines().filter(l -> l.startsWith("{")).toList()) {
                nodes.add(CanaryJson.MAPPER.readTree(l));
            }
            return nodes;
        }
    }

    private Run canary(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--config");
        all.add(2, config.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void revokeKilledDuringItsAwsCallIsFinishedByReconcileFixWithoutASuccessor() throws Exception {
        Run issued = canary("issue", "--asset", "laptop/LT-9", "--placement", "aws-credentials-file", "--option",
                "profile=ops-admin", "--option", "credentials-file=" + credentials, "--option", "config=false", "--json");
        assertThat(issued.code()).as(issued.err()).isZero();
        String id = issued.jsonLines().get(0).get("canaryId").asText();
        assertThat(Files.readString(credentials)).contains("[ops-admin]");

        // the revocation's first AWS call hangs; the process is killed while it is in flight
        FaultRule hang = aws.faults().add(FaultRule.on("iam:GetUser").then(FaultAction.latency(Duration.ofSeconds(60))));
        int before = aws.calls().size();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CanaryMain.class.getName(), "revoke", id, "--config", config.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (aws.calls().stream().skip(before).noneMatch(c -> "GetUser".equals(c.operation()))) {
            assertThat(child.isAlive()).as("the child reached AWS").isTrue();
            assertThat(System.nanoTime()).as("waiting for GetUser").isLessThan(deadline);
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        aws.faults().remove(hang);

        assertThat(Files.readString(credentials)).as("placement removed before AWS").doesNotContain("[ops-admin]");
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(1);
        Run look = canary("reconcile", "--json");
        JsonNode report = look.jsonLines().get(look.jsonLines().size() - 1);
        assertThat(report.toString()).as("the canary is being revoked: not a lost placement").doesNotContain(id);

        Thread.sleep(1_100); // the minimum age of a revocation intent before recovery takes it over
        Run fix = canary("reconcile", "--fix", "--json");
        assertThat(fix.code()).as(fix.out() + fix.err()).isZero();

        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
        List<JsonNode> all = canary("list", "--json").jsonLines();
        assertThat(all).as("no successor").hasSize(1);
        assertThat(all.get(0).get("status").asText()).isEqualTo("REVOKED");
        assertThat(aws.calls().stream().skip(before).map(ApiCall::operation).toList())
                .as("nothing issued after the kill").doesNotContain("CreateUser", "CreateAccessKey").contains("DeleteUser");
    }
}
