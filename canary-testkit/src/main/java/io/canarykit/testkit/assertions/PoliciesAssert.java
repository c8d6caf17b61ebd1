package io.canarykit.testkit.assertions;

import io.canarykit.policy.Policies;

/**
 * Assertions over {@link Policies}: any mix of identity, boundary, session, SCP and resource-based policies.
 *
 * @since 0.1.0
 */
public final class PoliciesAssert extends AbstractPoliciesAssert<PoliciesAssert, Policies> {
    /** The principal assumed when {@link #asPrincipal} is not called: an IAM user in account 111122223333. */
    public static final String DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/ci-deploy";

    PoliciesAssert(Policies actual) {
        super(actual, PoliciesAssert.class);
    }

    @Override
    protected Policies policies() {
        return actual;
    }

    @Override
    protected String defaultPrincipalArn() {
        return DEFAULT_PRINCIPAL;
    }
}
