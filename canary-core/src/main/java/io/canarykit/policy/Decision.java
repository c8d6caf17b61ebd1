package io.canarykit.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of evaluating one request, and why.
 *
 * @param allowed    true if the request is allowed
 * @param implicit   true for an implicit deny (nothing allowed it); false for an allow or an explicit deny
 * @param reason     one sentence a person can read, naming the deciding statement and policy
 * @param policyType the kind of policy that decided, or {@code null} (no policy decided: an implicit deny with no
 *                   policy of a kind, or {@code sts:GetCallerIdentity})
 * @param policyName the name of the policy that decided, or {@code null}; for an implicit deny caused by a single
 *                   boundary, session policy or SCP that allows nothing, that policy
 * @param statement  the statement that decided (the explicit deny, or the allow), or {@code null} for an implicit
 *                   deny
 * @param notes      things worth knowing that did not decide (an unknown condition operator, an unresolved policy
 *                   variable, ...), possibly empty
 *
 * @since 0.1.0
 */
public record Decision(boolean allowed, boolean implicit, String reason, @Nullable PolicyType policyType,
                       @Nullable String policyName, @Nullable StatementRef statement, List<String> notes) {

    public Decision {
        Objects.requireNonNull(reason, "reason");
        notes = List.copyOf(notes == null ? List.of() : notes);
        if (allowed && implicit) {
            throw new IllegalArgumentException("an allow is never implicit");
        }
    }

    /** {@code ALLOW} or {@code DENY}. */
    public String outcome() {
        return allowed ? "ALLOW" : "DENY";
    }

    /** True for an explicit deny. */
    public boolean explicitDeny() {
        return !allowed && !implicit;
    }

    /** The deciding policy's name, or {@code null}. */
    public @Nullable String decidingPolicy() {
        return policyName;
    }

    /** The deciding statement's {@code Sid} (or {@code Statement[i]}), or {@code null}. */
    public @Nullable String decidingStatement() {
        return statement == null ? null : statement.label();
    }

    /**
     * {@code {"decision":"ALLOW"|"DENY","implicit":…,"reason":"…","decidingPolicy":…,"decidingStatement":…}}, exactly
     * these fields in this order; the last two are strings or {@code null}.
     */
    public String toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("decision", outcome());
        n.put("implicit", implicit);
        n.put("reason", reason);
        n.put("decidingPolicy", decidingPolicy());
        n.put("decidingStatement", decidingStatement());
        return n.toString();
    }

    /** {@code ALLOW: reason} or {@code DENY (implicit): reason}, with the deciding statement quoted. */
    public String explain() {
        StringBuilder sb = new StringBuilder(outcome());
        if (!allowed) {
            sb.append(implicit ? " (implicit)" : " (explicit)");
        }
        sb.append(": ").append(reason);
        if (statement != null) {
            sb.append("\n  deciding statement: ").append(statement.json());
        }
        for (String n : notes) {
            sb.append("\n  note: ").append(n);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return explain();
    }
}
