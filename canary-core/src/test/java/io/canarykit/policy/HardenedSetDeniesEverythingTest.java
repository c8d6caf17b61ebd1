package io.canarykit.policy;

import io.canarykit.CredentialKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's "done when": the hardened policy set of every credential kind is proven, by the simulator, to deny
 * every action except {@code sts:GetCallerIdentity}, even next to a resource policy that grants {@code *} to the
 * principal.
 */
class HardenedSetDeniesEverythingTest {
    private static final String ACCOUNT = "111122223333";
    private static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/ci-deploy";
    private static final String ISSUER_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/platform-iam-automation";
    private static final String ISSUER_USER = "arn:aws:iam::" + ACCOUNT + ":user/federation-broker";
    private static final String ADMIN = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
            + "\"Resource\":\"*\"}]}";
    private final PolicySimulator sim = PolicySimulator.create();

    static HardeningRequest request(CredentialKind kind) {
        return switch (kind) {
            case IAM_USER -> HardeningRequest.iamUser(ACCOUNT, "jenkins-deploy-7f3k", "/");
            case ASSUMED_ROLE -> HardeningRequest.assumedRole(ACCOUNT, "payments-terraform-q2m9", ROLE, ISSUER_ROLE);
            case FEDERATION_TOKEN -> HardeningRequest.federationToken(ACCOUNT, "svc-data-etl-x8r2", ISSUER_USER);
        };
    }

    /** Resource policies that grant the canary everything in every way a resource policy can. */
    static List<NamedPolicy> grantingEverything(String principalArn) {
        String principalAsArn = principalArn.contains(":assumed-role/") ? ROLE : principalArn;
        return List.of(
                NamedPolicy.parse("public-bucket", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Everyone\","
                        + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}"),
                NamedPolicy.parse("named-grant", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":[\"" + principalArn + "\",\"" + principalAsArn + "\",\"" + ACCOUNT
                        + "\"]},\"Action\":\"*\",\"Resource\":\"*\"}]}"),
                NamedPolicy.parse("not-principal-grant", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"*\","
                        + "\"Resource\":\"*\"}]}"));
    }

    /** What AWS evaluates for the canary: the set, plus what the principal gets besides (an admin policy, the issuer's). */
    static Policies effective(CredentialKind kind, CanaryPolicySet set) {
        List<NamedPolicy> more = new ArrayList<>();
        more.add(NamedPolicy.parse("AdministratorAccess", ADMIN));
        if (kind == CredentialKind.FEDERATION_TOKEN) {
            more.add(NamedPolicy.of("issuer", IssuerPolicies.builder().accountId(ACCOUNT).build()
                    .forKind(CredentialKind.FEDERATION_TOKEN)));
        }
        return set.toPolicies(more);
    }

    @ParameterizedTest
    @EnumSource(CredentialKind.class)
    void everyKindDeniesEverythingButGetCallerIdentityEvenWithResourcePoliciesGrantingStar(CredentialKind kind) {
        HardeningRequest r = request(kind);
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(r);
        String principal = r.principalArn();
        Policies policies = effective(kind, set).withResourcePolicies(grantingEverything(principal));

        DenyAllReport report = sim.checkDeniesEverything(policies, principal);

        assertThat(report.deniesEverything()).as(report.describe()).isTrue();
        assertThat(report.proven()).as(report.describe()).isTrue();
        assertThat(report.requestsChecked()).isGreaterThan(4000);
        assertThat(report.blanketDeny().statement().sid()).isEqualTo("DenyAll");
        Decision gci = sim.evaluate(policies, AccessRequest.of(principal, "sts:GetCallerIdentity", "*"));
        assertThat(gci.allowed()).isTrue();
        Decision get = sim.evaluate(policies, AccessRequest.of(principal, "s3:GetObject", "arn:aws:s3:::b/k"));
        assertThat(get.explicitDeny()).as(get.toString()).isTrue();
        assertThat(get.decidingStatement()).isEqualTo("DenyAll");
    }

    @ParameterizedTest
    @EnumSource(CredentialKind.class)
    void theSetsScpStatementAloneAlsoDeniesTheCanary(CredentialKind kind) {
        HardeningRequest r = request(kind);
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(r);
        Policies policies = Policies.builder()
                .identityPolicy("AdministratorAccess", ADMIN)
                .sessionPolicy("session", ADMIN)
                .serviceControlPolicy("FullAWSAccess", ADMIN)
                .serviceControlPolicy("canary-guard", set.scpDocument())
                .build().withResourcePolicies(grantingEverything(r.principalArn()));
        Decision d = sim.evaluate(policies, AccessRequest.of(r.principalArn(), "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:prod"));
        assertThat(d.explicitDeny()).as(d.toString()).isTrue();
        assertThat(d.policyType()).isEqualTo(PolicyType.SERVICE_CONTROL);
        // and it spares everyone else
        Decision other = sim.evaluate(policies, AccessRequest.of("arn:aws:iam::" + ACCOUNT + ":user/someone-else",
                "secretsmanager:GetSecretValue", "*"));
        assertThat(other.allowed()).as(other.toString()).isTrue();
    }

    @Test
    void withoutTheHardenedPoliciesTheStarBucketPolicyWouldGrantAndTheCheckSaysSo() {
        String principal = request(CredentialKind.IAM_USER).principalArn();
        Policies policies = Policies.none().withResourcePolicies(grantingEverything(principal));
        DenyAllReport report = sim.checkDeniesEverything(policies, principal);
        assertThat(report.deniesEverything()).isFalse();
        assertThat(report.proven()).isFalse();
        assertThat(report.allowed()).isNotEmpty();
        assertThat(report.describe()).contains("would be allowed").contains("public-bucket");
    }

    @Test
    void anImplicitDenyAloneIsNotProvenButSamplingFindsNoHole() {
        String principal = request(CredentialKind.IAM_USER).principalArn();
        DenyAllReport report = sim.checkDeniesEverything(Policies.none(), principal);
        assertThat(report.deniesEverything()).isTrue();
        assertThat(report.proven()).isFalse();
        assertThat(report.describe()).contains("is denied");
    }

    @Test
    void conditionalAllowsCountInTheWorstCaseAndConditionalDeniesDoNot() {
        String principal = request(CredentialKind.IAM_USER).principalArn();
        Policies conditionalAllow = Policies.builder().identityPolicy("vpn-only", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}""").build();
        DenyAllReport r1 = sim.checkDeniesEverything(conditionalAllow, principal);
        assertThat(r1.deniesEverything()).isFalse();
        assertThat(r1.allowed()).extracting(DenyAllReport.Finding::action).contains("s3:GetObject");

        Policies conditionalDeny = Policies.builder().identityPolicy("mfa-guard", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
                 "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}""")
                .resourcePolicy("bucket", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}").build();
        DenyAllReport r2 = sim.checkDeniesEverything(conditionalDeny, principal);
        assertThat(r2.deniesEverything()).isFalse();
        assertThat(r2.blanketDeny()).isNull();
    }

    @Test
    void actionsDerivedFromNotActionFindTheHoleOutsideTheCatalogue() {
        String principal = request(CredentialKind.IAM_USER).principalArn();
        Policies p = Policies.builder().identityPolicy("almost", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                 {"Effect":"Deny","NotAction":"zzzservice:KeepThis","Resource":"*"}]}""").build();
        DenyAllReport r = sim.checkDeniesEverything(p, principal);
        assertThat(r.allowed()).extracting(DenyAllReport.Finding::action).containsOnly("zzzservice:KeepThis");
    }
}
