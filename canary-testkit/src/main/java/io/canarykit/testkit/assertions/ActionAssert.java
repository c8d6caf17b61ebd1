package io.canarykit.testkit.assertions;

import io.canarykit.policy.Decision;

import java.util.Objects;

/**
 * The second half of {@code allows("s3:GetObject").on("arn:aws:s3:::b/k")}: evaluates the request and fails with the
 * decision's reason and the deciding statement quoted.
 *
 * @since 0.1.0
 */
public final class ActionAssert {
    enum Expectation { ALLOW, DENY, EXPLICIT_DENY, IMPLICIT_DENY }

    private final AbstractPoliciesAssert<?, ?> parent;
    private final String action;
    private final Expectation expectation;

    ActionAssert(AbstractPoliciesAssert<?, ?> parent, String action, Expectation expectation) {
        this.parent = parent;
        this.action = Objects.requireNonNull(action, "action");
        this.expectation = expectation;
    }

    /**
     * Evaluates the action on {@code resource} and checks the expectation.
     *
     * @return assertions on the decision, to check which statement decided
     */
    public DecisionAssert on(String resource) {
        Decision d = parent.evaluate(action, resource);
        boolean ok = switch (expectation) {
            case ALLOW -> d.allowed();
            case DENY -> !d.allowed();
            case EXPLICIT_DENY -> d.explicitDeny();
            case IMPLICIT_DENY -> !d.allowed() && d.implicit();
        };
        if (!ok) {
            String expected = switch (expectation) {
                case ALLOW -> "allowed";
                case DENY -> "denied";
                case EXPLICIT_DENY -> "denied by an explicit Deny";
                case IMPLICIT_DENY -> "denied implicitly (nothing allowing it)";
            };
            throw new AssertionError(parent.descriptionPrefix() + "Expecting " + action + " on " + resource + " to be "
                    + expected + " for " + parent.principal() + ", but it was " + DecisionAssert.describe(d));
        }
        return new DecisionAssert(d);
    }

    /** Checks the expectation on {@code *} (actions without resource-level permissions). */
    public DecisionAssert onAnyResource() {
        return on("*");
    }
}
