package io.canarykit.policy;

import io.canarykit.CredentialKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HardenedSetDeniesEverythingTest {
    private static final String ACCOUNT = "111122223333";
    private final PolicySimulator sim = PolicySimulator.create();

    @Test
    void iamUserDeniedEvenWithStarBucketPolicy() {
        CanaryPolicySet set = DenyAllPolicyHardener.create().harden(HardeningRequest.iamUser(ACCOUNT, "ci-deploy-7f3a", "/"));
        String arn = "arn:aws:iam::" + ACCOUNT + ":user/ci-deploy-7f3a";
        Policies p = set.toPolicies().toBuilder().resourcePolicy("bucket", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}
                """).build();
        Decision d = sim.evaluate(p, AccessRequest.of(arn, "s3:GetObject", "arn:aws:s3:::b/k"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.implicit()).isFalse();
        assertThat(d.decidingStatement()).isEqualTo("DenyAll");
        assertThat(sim.evaluate(p, AccessRequest.of(arn, "sts:GetCallerIdentity", "*")).allowed()).isTrue();
        Decision withoutDeny = sim.evaluate(Policies.builder().resourcePolicy(p.resource().get(0)).build(),
                AccessRequest.of(arn, "s3:GetObject", "arn:aws:s3:::b/k"));
        assertThat(withoutDeny.allowed()).as(withoutDeny.toString()).isTrue();
        assertThat(set.kind()).isEqualTo(CredentialKind.IAM_USER);
    }
}
