package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.policy.PolicyDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.canarykit.cli.CanaryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyShowCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"iam-user", "assume-role", "federation-token"})
    void jsonHasEveryDocumentAsRealIamJsonAndTheSimulationVerdict(String kind) throws Exception {
        CanaryCommandTest.Result r = run("policy", "show", "--kind", kind, "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.get("kind").asText()).isEqualTo(kind);
        assertThat(n.get("deniesEverything").asBoolean()).isTrue();
        assertThat(n.get("requestsChecked").asInt()).isGreaterThan(1000);
        assertThat(n.get("inlinePolicy").get("Statement").get(0).get("Effect").asText()).isEqualTo("Deny");
        for (String field : new String[] {"inlinePolicy", "boundaryPolicy", "sessionPolicy", "trustPolicy", "issuerPolicy"}) {
            if (!n.get(field).isNull()) {
                PolicyDocument.parse(field, n.get(field).toString());
            }
        }
        assertThat(n.get("issuerPolicy").get("Statement").size()).isPositive();
        switch (kind) {
            case "iam-user" -> {
                assertThat(n.get("sessionPolicy").isNull()).isTrue();
                assertThat(n.get("boundaryArn").asText()).isEqualTo("arn:aws:iam::111122223333:policy/baseline-boundary");
                assertThat(n.get("issuerPolicy").toString()).contains("iam:CreateUser").contains("iam:PermissionsBoundary");
            }
            case "assume-role" -> {
                assertThat(n.get("trustPolicy").toString()).contains("arn:aws:iam::111122223333:role/platform-iam-automation");
                assertThat(n.get("issuerPolicy").toString()).contains("sts:AssumeRole")
                        .contains("arn:aws:iam::111122223333:role/ci-deploy");
            }
            default -> {
                assertThat(n.get("sessionPolicy").isNull()).isFalse();
                assertThat(n.get("issuerPolicy").toString()).contains("sts:GetFederationToken")
                        .doesNotContain("iam:");
            }
        }
    }

    @Test
    void textOutputShowsEachDocument() {
        CanaryCommandTest.Result r = run("policy", "show", "--kind", "assume-role", "--account", "123456789012",
                "--role-arn", "arn:aws:iam::123456789012:role/build/deployer");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Hardened policy set for assume-role canaries")
                .contains("Inline policy \"baseline\":")
                .contains("Permissions boundary arn:aws:iam::123456789012:policy/baseline-boundary (to create):")
                .contains("Session policy (passed on every AssumeRole):")
                .contains("Trust policy of the canary role")
                .contains("SCP statement")
                .contains("\"aws:PrincipalArn\" : \"arn:aws:iam::123456789012:role/build/deployer\"")
                .contains("Least-privilege policy for the issuer itself:")
                .contains("Simulated: every action but sts:GetCallerIdentity is denied");
    }

    @Test
    void optionsChangeTheSet() throws Exception {
        CanaryCommandTest.Result r = run("policy", "show", "--kind", "iam-user", "--json", "--scp", "tag",
                "--boundary-arn", "arn:aws:iam::111122223333:policy/guardrails");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.get("boundaryPolicy").isNull()).isTrue();
        assertThat(n.get("boundaryArn").asText()).isEqualTo("arn:aws:iam::111122223333:policy/guardrails");
        assertThat(n.get("scpStatement").toString()).contains("aws:PrincipalTag/managed-by");
    }

    @Test
    void usageErrors() {
        CanaryCommandTest.Result unknownKind = run("policy", "show", "--kind", "root-user");
        assertThat(unknownKind.code()).isEqualTo(2);
        assertThat(unknownKind.err()).contains("unknown credential kind 'root-user'").contains("iam-user");
        CanaryCommandTest.Result missing = run("policy", "show");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--kind");
        CanaryCommandTest.Result badScp = run("policy", "show", "--kind", "iam-user", "--scp", "maybe");
        assertThat(badScp.code()).isEqualTo(2);
        CanaryCommandTest.Result badPath = run("policy", "show", "--kind", "iam-user", "--path", "/canary/");
        assertThat(badPath.code()).isEqualTo(1);
        assertThat(badPath.err()).contains("give the canary away").doesNotContain("\tat ");
        assertThat(run("policy").out()).contains("show").contains("simulate");
    }
}
