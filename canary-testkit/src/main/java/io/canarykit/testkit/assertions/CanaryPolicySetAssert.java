package io.canarykit.testkit.assertions;

import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.NamedPolicy;
import io.canarykit.policy.Policies;

import java.util.ArrayList;
import java.util.List;

/**
 * Assertions over a hardened {@link CanaryPolicySet}, evaluated as AWS would for the canary principal (see
 * {@link CanaryPolicySet#toPolicies()}). Without {@link #asPrincipal} the principal is a made-up one of the set's kind
 * in account 111122223333.
 *
 * @since 0.1.0
 */
public final class CanaryPolicySetAssert extends AbstractPoliciesAssert<CanaryPolicySetAssert, CanaryPolicySet> {
    private final List<NamedPolicy> more = new ArrayList<>();

    CanaryPolicySetAssert(CanaryPolicySet actual) {
        super(actual, CanaryPolicySetAssert.class);
    }

    /**
     * Adds identity-based policies the principal also has: for a federation token, the issuing IAM user's policies; for
     * a user or role, managed policies attached besides the set.
     */
    public CanaryPolicySetAssert withIdentityPolicy(String name, String json) {
        more.add(NamedPolicy.parse(name, json));
        return this;
    }

    @Override
    protected Policies policies() {
        return actual.toPolicies(more);
    }

    @Override
    protected String defaultPrincipalArn() {
        String a = "111122223333";
        return switch (actual.kind()) {
            case IAM_USER -> "arn:aws:iam::" + a + ":user/ci-deploy";
            case ASSUMED_ROLE -> "arn:aws:sts::" + a + ":assumed-role/ci-deploy/session-1";
            case FEDERATION_TOKEN -> "arn:aws:sts::" + a + ":federated-user/ci-deploy";
        };
    }
}
