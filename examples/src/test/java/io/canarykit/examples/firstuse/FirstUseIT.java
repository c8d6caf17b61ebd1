package io.canarykit.examples.firstuse;

import io.canarykit.CanaryStatus;
import io.canarykit.IssueOutcome;
import io.canarykit.testkit.aws.AwsEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first use runs, and the README shows exactly the compiled lines. */
class FirstUseIT {

    @Test
    void theFirstUseIssuesAndPlantsACanary(@TempDir Path dir) {
        Path credentials = dir.resolve("credentials");
        String before = System.getProperty("aws.sharedCredentialsFile");
        System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        System.setProperty("aws.configFile", dir.resolve("config").toString());
        try (AwsEmulator aws = AwsEmulator.start()) {
            IssueOutcome canary = FirstUse.issueOne(aws.iam(), aws.sts());

            assertThat(canary.record().status()).isEqualTo(CanaryStatus.ACTIVE);
            String key = ProfileCredentialsProvider.builder()
                    .profileFile(ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build())
                    .profileName("billing-admin").build().resolveCredentials().accessKeyId();
            assertThat(key).isEqualTo(canary.record().accessKeyId());
        } finally {
            System.clearProperty("aws.configFile");
            if (before == null) {
                System.clearProperty("aws.sharedCredentialsFile");
            } else {
                System.setProperty("aws.sharedCredentialsFile", before);
            }
        }
    }

    @Test
    void theReadmeShowsTheCompiledLines() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/main/java/io/canarykit/examples/firstuse/FirstUse.java"));
        int start = indexOf(source, "// first-use:start");
        int end = indexOf(source, "// first-use:end");
        String readme = Files.readString(Path.of("../README.md"));
        StringBuilder expected = new StringBuilder();
        for (String line : source.subList(start + 1, end)) {
            expected.append(line.length() >= 8 ? line.substring(8) : line.strip()).append('\n');
        }
        assertThat(end - start - 1).as("the first use fits in ten lines").isLessThanOrEqualTo(10);
        assertThat(readme).contains(expected.toString());
    }

    @Test
    void theReadmeShowsTheIssuerPoliciesTheHardenerRenders() throws Exception {
        String readme = Files.readString(Path.of("../README.md")).replaceAll("\\s", "");
        io.canarykit.policy.IssuerPolicies policies = io.canarykit.policy.IssuerPolicies.builder().accountId("111122223333")
                .roleArn("arn:aws:iam::111122223333:role/ci-deploy").build();
        for (io.canarykit.CredentialKind kind : io.canarykit.CredentialKind.values()) {
            String rendered = policies.forKind(kind).toJson().replaceAll("\\s", "");
            assertThat(readme).as("README policy for " + kind.configName()).contains(rendered);
        }
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("marker " + marker + " missing");
    }
}
