package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The issuer's own policy, proven with the simulator: what the issuer does is allowed, escalation is not. */
class IssuerPoliciesTest {
    private static final String A = "111122223333";
    private static final String ISSUER = "arn:aws:sts::" + A + ":assumed-role/platform-iam-automation/run-1";
    private static final String BOUNDARY = "arn:aws:iam::" + A + ":policy/baseline-boundary";
    private static final String ROLE = "arn:aws:iam::" + A + ":role/ci-deploy";
    private final PolicySimulator sim = PolicySimulator.create();

    private static IssuerPolicies issuer() {
        return IssuerPolicies.builder().accountId(A).roleArn(ROLE).build();
    }

    private Decision call(CredentialKind kind, String action, String resource, String... context) {
        Policies p = Policies.builder().identityPolicy("issuer", issuer().forKind(kind)).build();
        AccessRequest.Builder r = AccessRequest.builder().principalArn(ISSUER).action(action).resource(resource);
        for (int i = 0; i < context.length; i += 2) {
            r.context(context[i], context[i + 1]);
        }
        return sim.evaluate(p, r.build());
    }

    @ParameterizedTest
    @EnumSource(CredentialKind.class)
    void everyIssuerPolicyIsRealIamJsonUnderTheManagedPolicyLimit(CredentialKind kind) {
        PolicyDocument doc = issuer().forKind(kind);
        assertThat(PolicyDocument.parse(doc.toJson())).isEqualTo(doc);
        assertThat(doc.sizeWithoutWhitespace()).isLessThanOrEqualTo(DenyAllPolicyHardener.MANAGED_POLICY_LIMIT);
        Policies.builder().identityPolicy("issuer", doc).build();
    }

    @Test
    void iamUserIssuerMayDoItsJob() {
        String user = "arn:aws:iam::" + A + ":user/jenkins-deploy-7f3k";
        assertThat(call(CredentialKind.IAM_USER, "iam:CreateUser", user, "iam:PermissionsBoundary", BOUNDARY,
                "aws:RequestTag/managed-by", "iam-automation").allowed()).isTrue();
        assertThat(call(CredentialKind.IAM_USER, "iam:TagUser", user, "aws:RequestTag/managed-by", "iam-automation")
                .allowed()).isTrue();
        assertThat(call(CredentialKind.IAM_USER, "iam:PutUserPolicy", user, "iam:PermissionsBoundary", BOUNDARY)
                .allowed()).isTrue();
        for (String action : List.of("iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey",
                "iam:DeleteAccessKey", "iam:DeleteUser", "iam:GetUser", "iam:ListUserTags", "iam:ListMFADevices")) {
            assertThat(call(CredentialKind.IAM_USER, action, user, "aws:ResourceTag/managed-by", "iam-automation")
                    .allowed()).as(action).isTrue();
        }
        assertThat(call(CredentialKind.IAM_USER, "iam:ListUsers", "*").allowed()).isTrue();
        assertThat(call(CredentialKind.IAM_USER, "iam:CreatePolicy", BOUNDARY).allowed()).isTrue();
    }

    @Test
    void iamUserIssuerCannotEscalate() {
        String admin = "arn:aws:iam::" + A + ":user/admin";
        assertThat(call(CredentialKind.IAM_USER, "iam:CreateUser", admin, "aws:RequestTag/managed-by", "iam-automation")
                .allowed()).as("without the boundary").isFalse();
        assertThat(call(CredentialKind.IAM_USER, "iam:CreateUser", admin, "iam:PermissionsBoundary",
                "arn:aws:iam::aws:policy/AdministratorAccess", "aws:RequestTag/managed-by", "iam-automation").allowed())
                .as("with another boundary").isFalse();
        assertThat(call(CredentialKind.IAM_USER, "iam:CreateAccessKey", admin).allowed())
                .as("keys for an untagged user").isFalse();
        assertThat(call(CredentialKind.IAM_USER, "iam:CreateAccessKey", admin, "aws:ResourceTag/managed-by", "someone")
                .allowed()).isFalse();
        assertThat(call(CredentialKind.IAM_USER, "iam:PutUserPolicy", admin).allowed())
                .as("inline policy on a user without the boundary").isFalse();
        for (String action : List.of("iam:AttachUserPolicy", "iam:DeleteUserPermissionsBoundary",
                "iam:CreatePolicyVersion", "iam:CreateLoginProfile", "iam:AddUserToGroup", "iam:PassRole",
                "sts:AssumeRole", "s3:GetObject")) {
            assertThat(call(CredentialKind.IAM_USER, action, "*", "aws:ResourceTag/managed-by", "iam-automation",
                    "iam:PermissionsBoundary", BOUNDARY).allowed()).as(action).isFalse();
        }
    }

    @Test
    void iamUserIssuerMayReadTheAccountSummaryForQuotaHeadroom() {
        assertThat(call(CredentialKind.IAM_USER, "iam:GetAccountSummary", "*").allowed()).isTrue();
    }

    @Test
    void assumeRoleIssuerMayAssumeOnlyTheCanaryRole() {
        assertThat(call(CredentialKind.ASSUMED_ROLE, "sts:AssumeRole", ROLE).allowed()).isTrue();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "sts:TagSession", ROLE).allowed()).isTrue();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "sts:SetSourceIdentity", ROLE).allowed())
                .as("SourceIdentity on the session needs it").isTrue();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "iam:PutRolePolicy", ROLE).allowed()).isTrue();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "iam:CreateRole", ROLE, "iam:PermissionsBoundary", BOUNDARY)
                .allowed()).isTrue();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "iam:CreateRole", ROLE).allowed()).isFalse();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "sts:AssumeRole", "arn:aws:iam::" + A + ":role/admin").allowed())
                .isFalse();
        assertThat(call(CredentialKind.ASSUMED_ROLE, "iam:PutRolePolicy", "arn:aws:iam::" + A + ":role/admin")
                .allowed()).isFalse();
        assertThatThrownBy(() -> IssuerPolicies.builder().accountId(A).build().forKind(CredentialKind.ASSUMED_ROLE))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("role's ARN");
    }

    @Test
    void federationIssuerHoldsNothingButGetFederationToken() {
        DenyAllReport r = sim.checkDeniesEverything(Policies.builder().identityPolicy("issuer",
                issuer().forKind(CredentialKind.FEDERATION_TOKEN)).build(), "arn:aws:iam::" + A + ":user/federation-broker");
        assertThat(r.allowed()).extracting(DenyAllReport.Finding::action).containsOnly("sts:GetFederationToken",
                "sts:TagSession");
        assertThat(r.allowed()).extracting(DenyAllReport.Finding::resource)
                .allMatch(res -> res.startsWith("arn:aws:sts::" + A + ":federated-user/"));
    }

    @Test
    void matchingTakesTheHardenersBoundaryAndTags() {
        CanaryPolicySet set = DenyAllPolicyHardener.builder().boundaryArn("arn:aws:iam::" + A + ":policy/guard")
                .principalTags(Map.of("owner", "platform")).build()
                .harden(HardeningRequest.iamUser(A, "u", "/"));
        String json = IssuerPolicies.builder().accountId(A).userPath("/svc/").matching(set).build()
                .forKind(CredentialKind.IAM_USER).toJson();
        assertThat(json).contains("arn:aws:iam::" + A + ":policy/guard").contains("aws:RequestTag/owner")
                .contains("aws:ResourceTag/owner").contains("arn:aws:iam::" + A + ":user/svc/*")
                .doesNotContain("managed-by");
        assertThatThrownBy(() -> IssuerPolicies.builder().build()).hasMessageContaining("account id");
        assertThatThrownBy(() -> IssuerPolicies.builder().userPath("/canary/"))
                .isInstanceOf(CanaryConfigurationException.class);
    }
}
