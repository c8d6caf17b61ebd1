package io.canarykit.policy;

import java.util.Objects;

/**
 * Points at one statement of one policy, so that a decision can say which statement decided it.
 *
 * @param type       the kind of policy
 * @param policyName the policy's name
 * @param index      the statement's 0-based index in the policy
 * @param statement  the statement itself
 *
 * @since 0.1.0
 */
public record StatementRef(PolicyType type, String policyName, int index, Statement statement) {
    public StatementRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(statement, "statement");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }

    /** The statement's {@code Sid}, or {@code Statement[i]} (0-based) when it has none. */
    public String label() {
        String sid = statement.sid();
        return sid == null || sid.isEmpty() ? "Statement[" + index + "]" : sid;
    }

    /** {@code statement "DenyAll" of the identity-based policy "baseline"}. */
    public String describe() {
        String sid = statement.sid();
        String which = sid == null || sid.isEmpty() ? "Statement[" + index + "]" : "statement \"" + sid + "\"";
        return which + " of the " + type.description() + " \"" + policyName + "\"";
    }

    /** The statement as compact JSON, for quoting. */
    public String json() {
        return statement.toJson();
    }
}
