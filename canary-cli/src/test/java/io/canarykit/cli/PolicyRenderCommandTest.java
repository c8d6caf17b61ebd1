package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.canarykit.cli.CanaryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyRenderCommandTest {
    static final String CENTRAL = "arn:aws:iam::111122223333:role/canarykit-central";

    @Test
    void stackSetIsOneCloudFormationTemplate() throws Exception {
        CanaryCommandTest.Result r = run("policy", "render", "--format", "stackset", "--role-name", "canarykit-org",
                "--trusted-principal", CENTRAL, "--kind", "iam-user,assume-role", "--organization-id", "o-abcdefghij",
                "--central-account", "111122223333");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode t = new ObjectMapper().readTree(r.out());
        assertThat(t.at("/Resources/CanaryIssuerRole/Properties/RoleName").asText()).isEqualTo("canarykit-org");
        assertThat(t.at("/Resources/CanaryIssuerRole/Properties/Policies")).hasSize(3);
        assertThat(t.at("/Resources/CanaryApiCallsToCentralBus/Properties/State").asText())
                .isEqualTo("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    }

    @Test
    void terraformIsWrittenIntoTheDirectory(@TempDir Path dir) throws Exception {
        CanaryCommandTest.Result r = run("policy", "render", "--format", "terraform", "--role-name", "canarykit-org",
                "--trusted-principal", CENTRAL, "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("main.tf"))).contains("aws_iam_role\" \"issuer\"");
        assertThat(Files.readString(dir.resolve("variables.tf"))).contains("canarykit-org");
        CanaryCommandTest.Result mgmt = run("policy", "render", "--format", "terraform-management", "--role-name", "x",
                "--trusted-principal", CENTRAL);
        assertThat(mgmt.out()).contains("# file: main.tf", "# file: variables.tf", "aws_organizations_policy");
    }

    @Test
    void badInputIsAUsageError() {
        assertThat(run("policy", "render", "--format", "pulumi", "--role-name", "r", "--trusted-principal", CENTRAL)
                .code()).isEqualTo(2);
        CanaryCommandTest.Result r = run("policy", "render", "--format", "stackset", "--role-name", "r",
                "--trusted-principal", "not-an-arn");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not an IAM ARN");
        assertThat(run("policy", "render", "--format", "stackset", "--role-name", "r", "--trusted-principal", CENTRAL,
                "--kind", "federation-token").code()).isEqualTo(2);
    }

    /** One of the two without the other was "invalid AWS account id 'null'" (or "organisation id 'null'"). */
    @Test
    void theCentralEventBusNeedsBothTheOrganisationAndTheAccount() {
        CanaryCommandTest.Result noAccount = run("policy", "render", "--format", "stackset", "--role-name", "r",
                "--trusted-principal", CENTRAL, "--organization-id", "o-abcdefghij");
        assertThat(noAccount.code()).isEqualTo(2);
        assertThat(noAccount.err()).contains("--organization-id needs --central-account ACCOUNT_ID")
                .doesNotContain("null");
        CanaryCommandTest.Result noOrganisation = run("policy", "render", "--format", "stackset", "--role-name", "r",
                "--trusted-principal", CENTRAL, "--central-account", "111122223333");
        assertThat(noOrganisation.code()).isEqualTo(2);
        assertThat(noOrganisation.err()).contains("--central-account needs --organization-id o-...")
                .doesNotContain("null");
    }
}
