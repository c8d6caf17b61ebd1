package io.canarykit.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrganizationTemplatesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CENTRAL = "arn:aws:iam::111122223333:role/canarykit-central";

    static OrganizationTemplates templates() {
        return OrganizationTemplates.builder().roleName("canarykit-org").trustedPrincipalArn(CENTRAL)
                .kinds(Set.of(CredentialKind.IAM_USER, CredentialKind.ASSUMED_ROLE)).userPath("/svc/")
                .externalId("canary-ext").eventBridge("o-abcdefghij", "111122223333").build();
    }

    /** A template's Fn::Sub strings as the deploying account 444455556666 sees them. */
    static String deployedIn(String account, JsonNode n) {
        return n.toString().replaceAll("\\{\"Fn::Sub\":\"([^\"]*)\"}", "\"$1\"").replace("${AWS::AccountId}", account)
                .replace("${!", "${");
    }

    @Test
    void theStackSetGivesEveryAccountExactlyTheIssuerPoliciesOfPolicyShow() throws Exception {
        JsonNode t = JSON.readTree(templates().stackSetTemplate());
        assertThat(t.toString()).doesNotContain(OrganizationTemplates.PLACEHOLDER);
        JsonNode role = t.at("/Resources/CanaryIssuerRole/Properties");
        assertThat(role.get("RoleName").asText()).isEqualTo("canarykit-org");
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Principal/AWS").asText()).isEqualTo(CENTRAL);
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals/sts:ExternalId").asText())
                .isEqualTo("canary-ext");
        String account = "444455556666";
        DenyAllPolicyHardener tagScp = DenyAllPolicyHardener.builder().scpMode(DenyAllPolicyHardener.ScpMode.TAG).build();
        Map<CredentialKind, String> expected = Map.of(
                CredentialKind.IAM_USER, IssuerPolicies.builder().accountId(account).userPath("/svc/")
                        .matching(tagScp.harden(HardeningRequest.iamUser(account, "canary", "/svc/"))).build()
                        .forKind(CredentialKind.IAM_USER).toJson(),
                CredentialKind.ASSUMED_ROLE, IssuerPolicies.builder().accountId(account).userPath("/svc/")
                        .roleArn("arn:aws:iam::" + account + ":role/ci-deploy").build()
                        .forKind(CredentialKind.ASSUMED_ROLE).toJson());
        for (JsonNode p : role.get("Policies")) {
            String name = p.get("PolicyName").asText();
            String deployed = deployedIn(account, p.get("PolicyDocument"));
            switch (name) {
                case "canarykit-iam-user" -> assertThat(JSON.readTree(deployed))
                        .isEqualTo(JSON.readTree(expected.get(CredentialKind.IAM_USER)));
                case "canarykit-assume-role" -> assertThat(JSON.readTree(deployed))
                        .isEqualTo(JSON.readTree(expected.get(CredentialKind.ASSUMED_ROLE)));
                case "canarykit-detect" -> assertThat(deployed).contains("cloudtrail:LookupEvents",
                        "iam:GetAccessKeyLastUsed", "iam:GetCredentialReport");
                default -> throw new AssertionError(name);
            }
        }
        JsonNode boundary = t.at("/Resources/CanaryBoundaryPolicy/Properties");
        assertThat(boundary.get("ManagedPolicyName").asText()).isEqualTo("baseline-boundary");
        assertThat(boundary.at("/PolicyDocument/Statement/0/Effect").asText()).isEqualTo("Deny");
        JsonNode rule = t.at("/Resources/CanaryApiCallsToCentralBus/Properties");
        assertThat(rule.get("State").asText()).isEqualTo("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
        assertThat(rule.at("/Targets/0/Arn").asText())
                .isEqualTo("arn:aws:events:us-east-1:111122223333:event-bus/canarykit-central");
    }

    @Test
    void theManagementTemplateOpensTheBusToTheOrganisationOnlyAndDeniesCanariesBySCP() throws Exception {
        JsonNode t = JSON.readTree(templates().managementTemplate());
        JsonNode policy = t.at("/Resources/CanaryCentralBusPolicy/Properties/Statement");
        assertThat(policy.at("/Condition/StringEquals/aws:PrincipalOrgID").asText()).isEqualTo("o-abcdefghij");
        assertThat(policy.get("Action").asText()).isEqualTo("events:PutEvents");
        assertThat(t.at("/Resources/CanaryCentralRule/Properties/State").asText())
                .isEqualTo("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
        JsonNode scp = t.at("/Resources/CanaryServiceControlPolicy/Properties/Content");
        assertThat(scp.at("/Statement/0/Effect").asText()).isEqualTo("Deny");
        assertThat(scp.toString()).contains("aws:PrincipalTag/managed-by");
        for (String q : new String[]{"Trail", "Events"}) {
            assertThat(t.at("/Resources/Canary" + q + "Queue/Properties/RedrivePolicy/maxReceiveCount").asInt()).isEqualTo(10);
            assertThat(t.at("/Resources/Canary" + q + "DeadLetterQueue/Type").asText()).isEqualTo("AWS::SQS::Queue");
        }
        assertThat(t.at("/Resources/CanaryTrailQueuePolicy/Properties/PolicyDocument/Statement/0/Condition/ArnEquals"
                + "/aws:SourceArn/Fn::Sub").asText()).isEqualTo("arn:aws:s3:::${TrailBucketName}");
    }

    @Test
    void terraformUsesTheDeployingAccountAndEscapesPolicyVariables() {
        Map<String, String> member = templates().terraformMemberModule();
        String main = member.get("main.tf");
        assertThat(main).contains("resource \"aws_iam_role\" \"issuer\"", "${local.account_id}",
                "${var.trusted_principal_arn}", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
                "resource \"aws_iam_role_policy\" \"canarykit_iam_user\"", "resource \"aws_iam_policy\" \"canary_boundary\"")
                .doesNotContain(OrganizationTemplates.PLACEHOLDER);
        assertThat(member.get("variables.tf")).contains("canarykit-org", CENTRAL);
        Map<String, String> mgmt = templates().terraformManagementModule();
        assertThat(mgmt.get("main.tf")).contains("aws_organizations_policy", "aws:PrincipalOrgID", "o-abcdefghij",
                "aws_sqs_queue\" \"trail_dead_letters", "maxReceiveCount = 10");
        assertThat(mgmt.get("variables.tf")).contains("scp_target_id", "trail_bucket_name");
    }

    @Test
    void theReadmeShowsWhatTheRendererRenders() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md")).replaceAll("\\s", "");
        OrganizationTemplates t = OrganizationTemplates.builder().roleName("canarykit-org")
                .trustedPrincipalArn("arn:aws:iam::111122223333:role/canarykit-central")
                .kinds(Set.of(CredentialKind.IAM_USER, CredentialKind.ASSUMED_ROLE)).userPath("/svc/")
                .eventBridge("o-a1b2c3d4e5", "111122223333").build();
        String q = "arn:aws:sqs:us-east-1:111122223333:";
        String watcher = t.watcherPolicy("org-trail-bucket", java.util.List.of(q + "canarykit-trail",
                q + "canarykit-trail-dlq", q + "canarykit-events", q + "canarykit-events-dlq"));
        assertThat(readme).as("the watcher's policy").contains(watcher.replaceAll("\\s", ""));
        assertThat(readme).as("the StackSet").contains(t.stackSetTemplate().replaceAll("\\s", ""));
        assertThat(readme).as("the Terraform module").contains(t.terraformMemberModule().get("main.tf")
                .replaceAll("\\s", ""));
        assertThat(readme).contains("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", "PutPermission",
                "aws:PrincipalOrgID");
    }

    @Test
    void badInputIsRefusedWithWhatToFix() {
        assertThatThrownBy(() -> OrganizationTemplates.builder().build()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("role name").hasMessageContaining("trusted principal");
        assertThatThrownBy(() -> OrganizationTemplates.builder().trustedPrincipalArn("111122223333"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("arn:aws:iam::");
        assertThatThrownBy(() -> OrganizationTemplates.builder().roleName("no spaces"))
                .isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> OrganizationTemplates.builder().kinds(Set.of(CredentialKind.FEDERATION_TOKEN)))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("federation-token");
        assertThatThrownBy(() -> OrganizationTemplates.builder().eventBridge("org", "111122223333"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("o-");
    }
}
