package io.canarykit.testkit.assertions;

import io.canarykit.policy.Decision;
import io.canarykit.policy.PolicyType;
import org.assertj.core.api.AbstractAssert;

import java.util.Objects;

/**
 * Assertions on one {@link Decision} of the policy simulator; failure messages quote the deciding statement.
 *
 * @since 0.1.0
 */
public final class DecisionAssert extends AbstractAssert<DecisionAssert, Decision> {

    DecisionAssert(Decision actual) {
        super(actual, DecisionAssert.class);
    }

    /** Verifies the request was allowed. */
    public DecisionAssert isAllowed() {
        isNotNull();
        if (!actual.allowed()) {
            failWithMessage("Expecting the request to be allowed, but it was %s", describe(actual));
        }
        return this;
    }

    /** Verifies the request was denied by an explicit {@code Deny}. */
    public DecisionAssert isExplicitlyDenied() {
        isNotNull();
        if (!actual.explicitDeny()) {
            failWithMessage("Expecting an explicit deny, but it was %s", describe(actual));
        }
        return this;
    }

    /** Verifies the request was denied because nothing allowed it. */
    public DecisionAssert isImplicitlyDenied() {
        isNotNull();
        if (actual.allowed() || !actual.implicit()) {
            failWithMessage("Expecting an implicit deny, but it was %s", describe(actual));
        }
        return this;
    }

    /** Verifies which policy and statement ({@code Sid}, or {@code Statement[i]}) decided. */
    public DecisionAssert decidedBy(String policyName, String statement) {
        isNotNull();
        if (!Objects.equals(actual.decidingPolicy(), policyName)
                || !Objects.equals(actual.decidingStatement(), statement)) {
            failWithMessage("Expecting the decision to come from statement %s of policy %s, but it was %s", statement,
                    policyName, describe(actual));
        }
        return this;
    }

    /** Verifies which kind of policy decided. */
    public DecisionAssert decidedByA(PolicyType type) {
        isNotNull();
        if (actual.policyType() != type) {
            failWithMessage("Expecting the decision to come from a %s, but it was %s", type.description(),
                    describe(actual));
        }
        return this;
    }

    /** The decision, for further checks. */
    public Decision decision() {
        return actual;
    }

    static String describe(Decision d) {
        return d.explain().replace("%", "%%");
    }
}
