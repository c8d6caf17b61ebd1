package io.canarykit.cli;

import io.canarykit.CanaryRecord;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.canarykit.cli.CanaryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 15, finding 10 (the command-line parts that are not about placement files), each as the failure it was. */
class RobustCliIT {
    private static final String DENY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyAll\",\"Effect\":\"Deny\","
            + "\"Action\":\"*\",\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;

    @Test
    void canaryListReadsTheStoreWithoutAwsCredentialsAndWithoutCallingAws() throws IOException {
        String url = "jdbc:h2:file:" + dir.resolve("store/canarykit");
        CanaryRecord r = new CanaryFixtures(15).active();
        try (JdbcCanaryStore store = JdbcCanaryStore.open(url, null, null)) {
            store.create(r);
        }
        try (AwsEmulator aws = AwsEmulator.builder().start()) {
            // an iam-user issuer with no credentials and no account id: building it would ask STS who it is
            Path config = dir.resolve("canary.properties");
            Files.write(config, List.of("canary.store=jdbc", "canary.store.jdbc.url=" + url, "canary.issuers=iam-user",
                    "canary.issuer.iam-user.endpoint=" + aws.endpoint(), "canary.issuer.iam-user.max-attempts=1"));
            int calls = aws.calls().size();

            CanaryCommandTest.Result listed = run("list", "--config", config.toString(), "--json");

            assertThat(listed.code()).as(listed.err()).isZero();
            assertThat(listed.out()).contains(r.id().value());
            assertThat(aws.calls()).as("no AWS call at all").hasSize(calls);
        }
    }

    @Test
    void binaryPolicyInputFailsWithAClearMessage() throws IOException {
        Path binary = dir.resolve("policy.bin");
        Files.write(binary, new byte[] {(byte) 0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xc3, (byte) 0x28, (byte) 0xff});

        CanaryCommandTest.Result r = run("policy", "simulate", "--policy", binary.toString(), "--action",
                "s3:GetObject", "--resource", "*");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("policy file " + binary + " is not UTF-8 text").doesNotContain("Input length");
    }

    @Test
    void trailingGarbageAfterAPolicyDocumentIsRefused() throws IOException {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, DENY + "\n{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"*\",\"Resource\":\"*\"}]}");
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, DENY + " trailing words");

        CanaryCommandTest.Result two = run("policy", "simulate", "--policy", policy.toString(), "--action",
                "s3:GetObject", "--resource", "*");
        CanaryCommandTest.Result words = run("policy", "simulate", "--policy", garbage.toString(), "--action",
                "s3:GetObject", "--resource", "*");

        assertThat(two.code()).isNotZero();
        assertThat(two.err()).contains("not valid JSON").contains("line 2");
        assertThat(two.out()).isEmpty();
        assertThat(words.code()).isNotZero();
        assertThat(words.err()).contains("not valid JSON");
    }

    @Test
    void anOutOfMemoryErrorIsOneClearLineWithoutDebug() throws Exception {
        // a policy file far larger than the heap, read by a child JVM with a small one
        Path huge = dir.resolve("huge.json");
        byte[] chunk = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(huge)) {
            out.write("{\"Version\":\"2012-10-17\",\"Statement\":[".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 96; i++) {
                out.write(chunk);
            }
            out.write("]}".getBytes(StandardCharsets.US_ASCII));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx48m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CanaryMain.class.getName(), "policy", "simulate", "--policy",
                huge.toString(), "--action", "s3:GetObject", "--resource", "*")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err).startsWith("canary policy: ran out of memory").contains("-Xmx")
                .contains("(run with --debug for details)").doesNotContain("Exception in thread")
                .doesNotContain("\tat ");
    }
}
