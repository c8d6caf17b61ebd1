package io.canarykit.testkit.assertions;

import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.Decision;
import io.canarykit.policy.Policies;

/**
 * Entry point of the AssertJ assertions for canary policies, for users' own tests:
 *
 * <pre>{@code
 * assertThat(canaryPolicies).deniesEverything().evenWith(bucketPolicy);
 * assertThat(policies).allows("s3:GetObject").on("arn:aws:s3:::b/k");
 * assertThat(policies).deniesExplicitly("iam:CreateUser").onAnyResource().decidedBy("guardrails", "NoIam");
 * }</pre>
 *
 * Everything is evaluated offline by {@link io.canarykit.policy.PolicySimulator}; failure messages quote the statement
 * that decided.
 *
 * @since 0.1.0
 */
public final class CanaryPolicyAssertions {
    private CanaryPolicyAssertions() {
    }

    /** Assertions over a hardened policy set. */
    public static CanaryPolicySetAssert assertThat(CanaryPolicySet actual) {
        return new CanaryPolicySetAssert(actual);
    }

    /** Assertions over any set of policies. */
    public static PoliciesAssert assertThat(Policies actual) {
        return new PoliciesAssert(actual);
    }

    /** Assertions over one decision. */
    public static DecisionAssert assertThat(Decision actual) {
        return new DecisionAssert(actual);
    }
}
