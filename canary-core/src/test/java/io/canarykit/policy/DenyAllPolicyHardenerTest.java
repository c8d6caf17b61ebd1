package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DenyAllPolicyHardenerTest {
    private static final String ACCOUNT = "111122223333";
    private static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyAll\","
            + "\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    @Test
    void iamUserSet() {
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(
                HardeningRequest.iamUser(ACCOUNT, "jenkins-deploy-7f3k", "/"));
        assertThat(set.kind()).isEqualTo(CredentialKind.IAM_USER);
        assertThat(set.inlinePolicyName()).isEqualTo("baseline");
        assertThat(set.inlinePolicy()).isEqualTo(DENY_ALL);
        assertThat(set.boundaryPolicy()).isEqualTo(DENY_ALL);
        assertThat(set.boundaryArn()).isEqualTo("arn:aws:iam::111122223333:policy/baseline-boundary");
        assertThat(set.boundaryPolicyName()).isEqualTo("baseline-boundary");
        assertThat(set.boundaryPolicyPath()).isEqualTo("/");
        assertThat(set.sessionPolicy()).isNull();
        assertThat(set.trustPolicy()).isNull();
        assertThat(set.scpStatement()).isEqualTo("{\"Sid\":\"DenyBaselinePrincipals\",\"Effect\":\"Deny\",\"Action\":\"*\","
                + "\"Resource\":\"*\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":"
                + "\"arn:aws:iam::111122223333:user/jenkins-deploy-7f3k\"}}}");
        assertThat(PolicyDocument.parse(set.scpDocument()).statements()).hasSize(1);
        assertThat(set.principalTags()).containsExactly(Map.entry("managed-by", "iam-automation"));
        assertThat(PolicyDocument.nonWhitespaceLength(set.inlinePolicy())).isLessThanOrEqualTo(2048);
    }

    @Test
    void assumedRoleSet() {
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(HardeningRequest.assumedRole(ACCOUNT,
                "payments-terraform-q2m9", "arn:aws:iam::111122223333:role/team/ci-deploy",
                "arn:aws:iam::111122223333:role/platform-iam-automation"));
        assertThat(set.sessionPolicy()).isEqualTo(DENY_ALL);
        assertThat(set.inlinePolicy()).isEqualTo(DENY_ALL);
        assertThat(set.trustPolicy()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"IssuerOnly\","
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/platform-iam-automation\"},"
                + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\",\"sts:SetSourceIdentity\"]}]}");
        // aws:PrincipalArn of a session is its role, path included
        assertThat(set.scpStatement()).contains("\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/team/ci-deploy\"");
    }

    @Test
    void onlyTheIssuerMayAssumeTheCanaryRole() {
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(HardeningRequest.assumedRole(ACCOUNT, "s1",
                "arn:aws:iam::111122223333:role/ci-deploy", "arn:aws:iam::111122223333:role/issuer"));
        Policies trust = Policies.builder().resourcePolicy("trust", set.trustPolicy()).build();
        PolicySimulator sim = PolicySimulator.create();
        String role = "arn:aws:iam::111122223333:role/ci-deploy";
        Policies issuer = trust.toBuilder().identityPolicy("issuer-policy", "{\"Version\":\"2012-10-17\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"" + role + "\"}]}").build();
        assertThat(sim.evaluate(issuer, AccessRequest.of("arn:aws:sts::111122223333:assumed-role/issuer/run-1",
                "sts:AssumeRole", role)).allowed()).isTrue();
        Decision admin = sim.evaluate(Policies.builder().resourcePolicy(trust.resource().get(0))
                .identityPolicy("admin", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
                        + "\"Resource\":\"*\"}]}").build(),
                AccessRequest.of("arn:aws:iam::111122223333:user/admin", "sts:AssumeRole", role));
        // same account: an admin's identity policy could still assume it; what the trust policy guarantees is that
        // no one in another account can, and no one at all without an identity allow
        assertThat(sim.evaluate(trust, AccessRequest.of("arn:aws:iam::444455556666:user/x", "sts:AssumeRole",
                role)).allowed()).isFalse();
        assertThat(sim.evaluate(trust, AccessRequest.of("arn:aws:iam::111122223333:user/x", "sts:AssumeRole",
                role)).allowed()).isFalse();
        assertThat(admin.allowed()).isTrue();
    }

    @Test
    void federationTokenSet() {
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(
                HardeningRequest.federationToken(ACCOUNT, "svc-data-etl-x8r2", null));
        assertThat(set.sessionPolicy()).isEqualTo(DENY_ALL);
        assertThat(set.boundaryArn()).isNull();
        assertThat(set.boundaryPolicy()).isNull();
        assertThat(set.trustPolicy()).isNull();
        assertThat(set.scpStatement()).contains("arn:aws:sts::111122223333:federated-user/svc-data-etl-x8r2");
    }

    @Test
    void configuredBoundaryArnIsAttachedNotCreated() {
        CanaryPolicySet set = DenyAllPolicyHardener.builder()
                .boundaryArn("arn:aws:iam::111122223333:policy/guardrails/no-access").build()
                .harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/"));
        assertThat(set.boundaryPolicy()).isNull();
        assertThat(set.boundaryArn()).isEqualTo("arn:aws:iam::111122223333:policy/guardrails/no-access");
        assertThat(set.boundaryPolicyName()).isEqualTo("no-access");
        assertThat(set.boundaryPolicyPath()).isEqualTo("/guardrails/");
    }

    @Test
    void scpByTagOrPatternsOrNone() {
        DenyAllPolicyHardener byTag = DenyAllPolicyHardener.builder().scpMode(DenyAllPolicyHardener.ScpMode.TAG).build();
        assertThat(byTag.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/")).scpStatement())
                .contains("{\"StringEquals\":{\"aws:PrincipalTag/managed-by\":\"iam-automation\"}}");
        DenyAllPolicyHardener byPattern = DenyAllPolicyHardener.builder()
                .scpArnPatterns(List.of("arn:aws:iam::*:user/svc-*", "arn:aws:iam::*:role/ci-*")).build();
        assertThat(byPattern.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/")).scpStatement())
                .contains("\"aws:PrincipalArn\":[\"arn:aws:iam::*:user/svc-*\",\"arn:aws:iam::*:role/ci-*\"]");
        DenyAllPolicyHardener none = DenyAllPolicyHardener.builder().scpMode(DenyAllPolicyHardener.ScpMode.NONE).build();
        assertThat(none.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/")).scpStatement()).isNull();
        assertThatThrownBy(() -> DenyAllPolicyHardener.builder().principalTags(Map.of())
                .scpMode(DenyAllPolicyHardener.ScpMode.TAG).build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("needs a tag");
    }

    @Test
    void badInputIsRefusedWithTheRule() {
        assertThatThrownBy(() -> DenyAllPolicyHardener.create().harden(HardeningRequest.assumedRole(ACCOUNT, "s",
                "arn:aws:iam::111122223333:role/r", null)))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("issuer's ARN");
        assertThatThrownBy(() -> DenyAllPolicyHardener.create().harden(HardeningRequest.assumedRole(ACCOUNT, "s", null,
                "arn:aws:iam::111122223333:role/issuer")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("canary role's ARN");
        assertThatThrownBy(() -> DenyAllPolicyHardener.builder().inlinePolicyName("bad name"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("inline policy name");
        assertThatThrownBy(() -> DenyAllPolicyHardener.builder().boundaryArn("baseline"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("managed policy ARN");
        assertThatThrownBy(() -> DenyAllPolicyHardener.builder().principalTags(Map.of("aws:x", "y")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("tag key");
        assertThatThrownBy(() -> new HardeningRequest(CredentialKind.IAM_USER, "123", "u", null, null, null))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12 digits");
    }

    @Test
    void scpPatternsThatExceedTheScpLimitAreRefused() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add("arn:aws:iam::111122223333:user/service-user-number-" + i);
        }
        DenyAllPolicyHardener h = DenyAllPolicyHardener.builder().scpArnPatterns(many).build();
        assertThatThrownBy(() -> h.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("the SCP has")
                .hasMessageContaining("5120");
    }

    @Test
    void providerBuildsFromConfiguration() {
        ProviderRegistry<PolicyHardener, PolicyHardenerProvider> registry = ProviderRegistry.load(PolicyHardenerProvider.class);
        PolicyHardener h = registry.create("deny-all", CanaryConfig.of(Map.of(
                "canary.hardener.deny-all.inline-name", "access-baseline",
                "canary.hardener.deny-all.boundary-arn", "arn:aws:iam::111122223333:policy/existing",
                "canary.hardener.deny-all.scp", "tag",
                "canary.hardener.deny-all.principal-tags", "owner=platform,env=prod",
                "canary.hardener.deny-all.scp.tag", "owner=platform")));
        CanaryPolicySet set = h.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/"));
        assertThat(set.inlinePolicyName()).isEqualTo("access-baseline");
        assertThat(set.boundaryArn()).isEqualTo("arn:aws:iam::111122223333:policy/existing");
        assertThat(set.boundaryPolicy()).isNull();
        assertThat(set.principalTags()).containsEntry("owner", "platform").containsEntry("env", "prod");
        assertThat(set.scpStatement()).contains("aws:PrincipalTag/owner");
        assertThatThrownBy(() -> registry.create("deny-all", CanaryConfig.of(Map.of("canary.hardener.deny-all.scp",
                "maybe")))).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.hardener.deny-all.scp").hasMessageContaining("'maybe'");
    }

    @Test
    void theOldPolicyKeysStillWork() {
        ProviderRegistry<PolicyHardener, PolicyHardenerProvider> registry = ProviderRegistry.load(PolicyHardenerProvider.class);
        PolicyHardener h = registry.create("deny-all", CanaryConfig.of(Map.of(
                "canary.policy.inline-name", "access-baseline",
                "canary.policy.scp", "none")));
        CanaryPolicySet set = h.harden(HardeningRequest.iamUser(ACCOUNT, "u1", "/"));
        assertThat(set.inlinePolicyName()).isEqualTo("access-baseline");
        assertThat(set.scpStatement()).isNull();
        assertThatThrownBy(() -> registry.create("deny-all", CanaryConfig.of(Map.of("canary.policy.scp", "arn",
                "canary.hardener.deny-all.scp", "tag")))).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("given twice").hasMessageContaining("keep only canary.hardener.deny-all.scp");
    }

    @Test
    void eightArgumentConstructorStillWorks() {
        CanaryPolicySet set = new CanaryPolicySet(CredentialKind.IAM_USER, "n", DENY_ALL, null, null, null, null, null);
        assertThat(set.principalTags()).isEmpty();
        assertThat(set.toPolicies().identity()).hasSize(1);
    }
}
