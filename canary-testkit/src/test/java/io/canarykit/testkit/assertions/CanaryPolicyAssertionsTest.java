package io.canarykit.testkit.assertions;

import io.canarykit.CredentialKind;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.policy.IssuerPolicies;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.canarykit.testkit.assertions.CanaryPolicyAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryPolicyAssertionsTest {
    private static final String ACCOUNT = "111122223333";
    private static final String STAR_BUCKET = """
            {"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*",
             "Action":"*","Resource":"*"}]}""";
    private static final String READ_BUCKET = """
            {"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Principal":{"AWS":"*"},
             "Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}""";

    static CanaryPolicySet hardened(CredentialKind kind) {
        HardeningRequest r = switch (kind) {
            case IAM_USER -> HardeningRequest.iamUser(ACCOUNT, "ci-deploy", "/");
            case ASSUMED_ROLE -> HardeningRequest.assumedRole(ACCOUNT, "session-1",
                    "arn:aws:iam::" + ACCOUNT + ":role/ci-deploy", "arn:aws:iam::" + ACCOUNT + ":role/issuer");
            case FEDERATION_TOKEN -> HardeningRequest.federationToken(ACCOUNT, "ci-deploy", null);
        };
        return DenyAllPolicyHardener.create().harden(r);
    }

    @ParameterizedTest
    @EnumSource(CredentialKind.class)
    void hardenedSetsDenyEverythingEvenWithAStarBucketPolicy(CredentialKind kind) {
        CanaryPolicySet set = hardened(kind);
        CanaryPolicySetAssert a = assertThat(set)
                .withIdentityPolicy("AdministratorAccess", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                        + "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        a.deniesEverything().evenWith(STAR_BUCKET).evenWith(READ_BUCKET).andIsProvenByABlanketDeny();
        a.allows("sts:GetCallerIdentity").onAnyResource().isAllowed();
        a.deniesExplicitly("s3:GetObject").on("arn:aws:s3:::reports/q1.csv").decidedBy(
                kind == CredentialKind.FEDERATION_TOKEN ? "session-policy" : "baseline", "DenyAll");
    }

    @Test
    void theFederationIssuersOwnPolicyAloneGrantsTheFederatedUserNothing() {
        assertThat(hardened(CredentialKind.FEDERATION_TOKEN))
                .withIdentityPolicy("issuer", IssuerPolicies.builder().accountId(ACCOUNT).build()
                        .forKind(CredentialKind.FEDERATION_TOKEN).toJson())
                .deniesEverything();
    }

    @Test
    void deniesEverythingFailsQuotingTheGrantingStatement() {
        Policies nothing = Policies.none();
        assertThat(nothing).deniesEverything();
        assertThatThrownBy(() -> assertThat(nothing).deniesEverything().evenWith(STAR_BUCKET))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting the policies to deny arn:aws:iam::111122223333:user/ci-deploy every "
                        + "action but sts:GetCallerIdentity even with resource-based policy \"resource-policy-1\"")
                .hasMessageContaining("would be allowed")
                .hasMessageContaining("statement \"Everyone\" of the resource-based policy \"resource-policy-1\"")
                .hasMessageContaining("{\"Sid\":\"Everyone\",\"Effect\":\"Allow\",\"Principal\":\"*\"");
        assertThatThrownBy(() -> assertThat(nothing).deniesEverything().andIsProvenByABlanketDeny())
                .isInstanceOf(AssertionError.class).hasMessageContaining("sampled requests only");
    }

    @Test
    void allowsOnAndItsFailureMessage() {
        Policies p = Policies.builder().identityPolicy("reader", """
                {"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/*"},{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*",
                 "Resource":"arn:aws:s3:::b/secret/*"}]}""").build();
        assertThat(p).allows("s3:GetObject").on("arn:aws:s3:::b/k").decidedBy("reader", "Read")
                .decidedByA(PolicyType.IDENTITY);
        assertThat(p).deniesImplicitly("s3:PutObject").on("arn:aws:s3:::b/k");
        assertThat(p).denies("s3:GetObject").on("arn:aws:s3:::b/secret/x").isExplicitlyDenied();
        assertThatThrownBy(() -> assertThat(p).allows("s3:GetObject").on("arn:aws:s3:::b/secret/x"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting s3:GetObject on arn:aws:s3:::b/secret/x to be allowed for "
                        + "arn:aws:iam::111122223333:user/ci-deploy, but it was DENY (explicit): explicitly denied by "
                        + "statement \"NoSecrets\" of the identity-based policy \"reader\"")
                .hasMessageContaining("deciding statement: {\"Sid\":\"NoSecrets\",\"Effect\":\"Deny\"");
        assertThatThrownBy(() -> assertThat(p).deniesExplicitly("s3:PutObject").on("arn:aws:s3:::b/k"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("DENY (implicit)");
        assertThatThrownBy(() -> assertThat(p).as("reader policy").denies("s3:GetObject").on("arn:aws:s3:::b/k"))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("[reader policy] ")
                .hasMessageContaining("allowed by statement \"Read\"")
                .hasMessageContaining("{\"Sid\":\"Read\"");
        assertThatThrownBy(() -> assertThat(p).allows("s3:GetObject").on("arn:aws:s3:::b/k").decidedBy("reader", "Other"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("statement Other of policy reader");
    }

    @Test
    void principalAndContextAreUsed() {
        Policies p = Policies.builder().identityPolicy("vpn", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
                 "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringEquals":{"aws:username":"alice"}}}]}""")
                .build();
        assertThat(p).asPrincipal("arn:aws:iam::111122223333:user/alice").withContext("aws:SourceIp", "10.1.2.3")
                .allows("s3:ListBucket").on("arn:aws:s3:::b");
        assertThat(p).asPrincipal("arn:aws:iam::111122223333:user/alice").withContext("aws:SourceIp", "192.0.2.1")
                .deniesImplicitly("s3:ListBucket").on("arn:aws:s3:::b");
        assertThat(p).asPrincipal("arn:aws:iam::111122223333:user/bob").withContext("aws:SourceIp", "10.1.2.3")
                .denies("s3:ListBucket").on("arn:aws:s3:::b");
    }

    @Test
    void aNotActionTrapIsCaught() {
        Policies trap = Policies.builder().identityPolicy("almost-nothing", """
                {"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyS3","Effect":"Allow",
                 "NotAction":["s3:Put*","s3:Delete*"],"Resource":"*"}]}""").build();
        assertThatThrownBy(() -> assertThat(trap).deniesEverything())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("statement \"ReadOnlyS3\" of the identity-based policy \"almost-nothing\"")
                .hasMessageContaining("sts:GetAccessKeyInfo on * (and ")
                .hasMessageContaining("\n  sns:Publish on ")
                .hasMessageContaining("more actions");
    }
}
