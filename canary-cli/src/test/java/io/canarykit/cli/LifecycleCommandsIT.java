package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.RunPhase;
import io.canarykit.server.CanaryJson;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle commands, each run as a separate invocation configured by one properties file, against the emulator
 * and an H2 file store: issue, list, detect (after an attacker's call), reconcile, revoke, onboard.
 */
class LifecycleCommandsIT {
    @TempDir
    Path dir;

    private AwsEmulator aws;
    private Path config;
    private Path credentials;

    @BeforeEach
    void start() throws Exception {
        aws = AwsEmulator.builder().start(); // the commands read the system clock, and so does the emulator here
        EmulatedCredentials admin = aws.adminCredentials();
        credentials = dir.resolve("home/.aws/credentials");
        config = dir.resolve("canary.properties");
        List<String> lines = new ArrayList<>(List.of(
                "canary.store=jdbc",
                "canary.store.jdbc.url=jdbc:h2:file:" + dir.resolve("store/canarykit"),
                "canary.issuers=iam-user",
                "canary.detectors=cloudtrail-lookup,credential-report",
                "canary.detector.cloudtrail-lookup.regions=us-east-1",
                "canary.alert.sinks=jsonl-file",
                "canary.alert.jsonl-file.path=" + dir.resolve("alerts.jsonl"),
                "canary.response=revoke-and-reissue"));
        for (String prefix : List.of("canary.issuer.iam-user.", "canary.detector.cloudtrail-lookup.",
                "canary.detector.credential-report.")) {
            lines.add(prefix + "endpoint=" + aws.endpoint());
            lines.add(prefix + "access-key-id=" + admin.accessKeyId());
            lines.add(prefix + "secret-access-key=" + admin.secretAccessKey().reveal());
            lines.add(prefix + "max-attempts=1");
        }
        lines.add("canary.issuer.iam-user.account-id=" + aws.accountId());
        // placement settings are read from canary.placement.<name>.*
        lines.add("canary.placement.aws-credentials-file.config-file=" + dir.resolve("home/.aws/config"));
        Files.writeString(config, String.join("\n", lines) + "\n");
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return CanaryJson.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        }

        List<JsonNode> jsonLines() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.lines().toList()) {
                out.add(CanaryJson.MAPPER.readTree(l));
            }
            return out;
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
    void issueListDetectReconcileRevoke() throws Exception {
        Run issued = canary("issue", "--asset", "laptop/LT-7", "--label", "owner=zoe", "--placement", "aws-credentials-file",
                "--option", "profile=ops-admin", "--option", "credentials-file=" + credentials, "--json");
        assertThat(issued.code()).as(issued.err()).isZero();
        assertThat(Files.readString(dir.resolve("home/.aws/config"))).contains("[profile ops-admin]");
        JsonNode canary = issued.json();
        String id = canary.get("canaryId").asText();
        String key = canary.get("accessKeyId").asText();
        assertThat(canary.at("/fingerprint/verdict").asText()).isEqualTo("clean");
        assertThat(Files.readString(credentials)).contains(key);
        assertThat(issued.out()).doesNotContain("aws_secret_access_key");

        Run listed = canary("list", "--json");
        assertThat(listed.jsonLines()).extracting(n -> n.get("canaryId").asText()).containsExactly(id);

        // the attacker uses the planted key; then detection runs
        String secret = Files.readAllLines(credentials).stream().filter(l -> l.startsWith("aws_secret_access_key"))
                .map(l -> l.substring(l.indexOf('=') + 1).trim()).findFirst().orElseThrow();
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build()) {
            sts.getCallerIdentity();
        }
        Run detected = canary("detect", "--json");
        assertThat(detected.code()).as(detected.out() + detected.err()).isZero();
        JsonNode pass = detected.json();
        assertThat(pass.get("triggered")).as(detected.out()).hasSize(1);
        assertThat(pass.get("triggered").get(0).asText()).isEqualTo(id);
        assertThat(pass.at("/alerts/0/canary/id").asText()).isEqualTo(id);
        String successor = pass.at("/replacements/0/replacement").asText();
        assertThat(successor).isNotEmpty();
        assertThat(Files.readString(dir.resolve("alerts.jsonl"))).contains(id).doesNotContain(secret);

        Run reconciled = canary("reconcile", "--json");
        assertThat(reconciled.code()).as(reconciled.out() + reconciled.err()).isZero();
        assertThat(reconciled.json().get("clean").asBoolean()).isTrue();

        Run revoked = canary("revoke", successor, "--json");
        assertThat(revoked.code()).as(revoked.err()).isZero();
        assertThat(revoked.json().get("status").asText()).isEqualTo("REVOKED");
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
        assertThat(credentials).as("the placement created the file, so removing it leaves nothing").doesNotExist();
    }

    @Test
    void detectReportsACiRunThatNeverReportedItsEnd() throws Exception {
        Instant now = Instant.now();
        CanaryRecord abandoned;
        try (JdbcCanaryStore store = JdbcCanaryStore.open("jdbc:h2:file:" + dir.resolve("store/canarykit"), null, null)) {
            abandoned = store.create(CanaryRecord.builder().id(CanaryId.generate(now, new java.util.Random())).status(CanaryStatus.ACTIVE)
                    .kind(CredentialKind.FEDERATION_TOKEN).issuer("federation-token")
                    .principal(Principal.federatedUser(aws.accountId(), "build-cache-7q"))
                    .accessKeyId("ASIAQRSTUVWXYZ234567")
                    .asset(new Asset("ci-run", "github/acme/paygate/runs/7153946261/attempts/1",
                            Map.of("repository", "acme/paygate", "run-id", "7153946261")))
                    .createdAt(now.minus(Duration.ofHours(2))).issuedAt(now.minus(Duration.ofHours(2)))
                    .expiresAt(now.minus(Duration.ofMinutes(45))).attribute(RunPhase.ATTR_RUN, "github-actions").build());
        }
        Run detected = canary("detect", "--json");
        assertThat(detected.code()).as(detected.out() + detected.err()).isZero();
        assertThat(detected.json().get("expired")).extracting(JsonNode::asText).containsExactly(abandoned.id().value());
        assertThat(detected.json().get("unfinishedRuns")).extracting(JsonNode::asText)
                .containsExactly(abandoned.id().value());
        Run again = canary("detect");
        assertThat(again.out()).as("closed once, reported once").doesNotContain(abandoned.id().value());
    }

    @Test
    void onboardFromAnInventory() throws Exception {
        Path inventory = dir.resolve("fleet.csv");
        Files.writeString(inventory, "kind,id,owner,option.profile\n"
                + "laptop,LT-1,ann,billing-ro\nlaptop,LT-2,bob,legacy-deploy\n");
        Run first = canary("onboard", "--inventory", inventory.toString(), "--placement", "aws-credentials-file",
                "--option", "credentials-file=" + credentials, "--option", "config=false", "--json");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.json().get("issued").asInt()).isEqualTo(2);

        Files.writeString(inventory, "kind,id,owner,option.profile\nlaptop,LT-2,bob,legacy-deploy\n");
        Run second = canary("onboard", "--inventory", inventory.toString(), "--placement", "aws-credentials-file",
                "--option", "credentials-file=" + credentials, "--option", "config=false", "--json");
        assertThat(second.json().get("revoked").asInt()).isEqualTo(1);
        assertThat(second.json().get("unchanged").asInt()).isEqualTo(1);
        assertThat(Files.readString(credentials)).contains("[legacy-deploy]").doesNotContain("[billing-ro]");
        assertThat(canary("list", "--live", "--json").jsonLines()).hasSize(1);
    }

    @Test
    void aMissingConfigurationIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(new String[] {"list", "--config", dir.resolve("nope.properties").toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("does not exist").doesNotContain("\tat ");
    }
}
