package io.canarykit.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every policy that takes part in evaluating a request, by role. Build one with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code identity}: the principal's identity-based policies (for a federated user: those of the IAM user that
 *       called {@code GetFederationToken}). Any one may allow.</li>
 *   <li>{@code boundary}: the permissions boundary, or {@code null}. When present it must allow too.</li>
 *   <li>{@code session}: the session policies (inline and managed) of a role session or federated user session; when
 *       any is present, one of them must allow. A federated user session without one has no permissions.</li>
 *   <li>{@code serviceControlLevels}: SCPs by level of the organisation (root, each OU, the account): at every level
 *       some SCP must allow. Remember AWS's default {@code FullAWSAccess} SCP: a deny-list SCP on its own allows
 *       nothing.</li>
 *   <li>{@code resource}: resource-based policies of the target resource. Any one may allow.</li>
 * </ul>
 *
 * <p>Statements are checked for the type they are used as: only resource-based policies may name a
 * {@code Principal}, and every other type needs {@code Resource} or {@code NotResource}.
 *
 * @param identity             identity-based policies
 * @param boundary             the permissions boundary, or {@code null}
 * @param session              session policies
 * @param serviceControlLevels SCPs, one list per level of the organisation
 * @param resource             resource-based policies
 *
 * @since 0.1.0
 */
public record Policies(List<NamedPolicy> identity, @Nullable NamedPolicy boundary, List<NamedPolicy> session,
                       List<List<NamedPolicy>> serviceControlLevels, List<NamedPolicy> resource) {

    public Policies {
        identity = List.copyOf(Objects.requireNonNull(identity, "identity"));
        session = List.copyOf(Objects.requireNonNull(session, "session"));
        resource = List.copyOf(Objects.requireNonNull(resource, "resource"));
        List<List<NamedPolicy>> levels = new ArrayList<>();
        for (List<NamedPolicy> level : Objects.requireNonNull(serviceControlLevels, "serviceControlLevels")) {
            if (!level.isEmpty()) {
                levels.add(List.copyOf(level));
            }
        }
        serviceControlLevels = List.copyOf(levels);
        identity.forEach(p -> check(p, PolicyType.IDENTITY));
        if (boundary != null) {
            check(boundary, PolicyType.PERMISSIONS_BOUNDARY);
        }
        session.forEach(p -> check(p, PolicyType.SESSION));
        serviceControlLevels.forEach(l -> l.forEach(p -> check(p, PolicyType.SERVICE_CONTROL)));
        resource.forEach(p -> check(p, PolicyType.RESOURCE));
    }

    /** No policies at all: everything but {@code sts:GetCallerIdentity} is implicitly denied. */
    public static Policies none() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these policies, to add more. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.identity.addAll(identity);
        b.boundary = boundary;
        b.session.addAll(session);
        serviceControlLevels.forEach(l -> b.scpLevels.add(new ArrayList<>(l)));
        b.resource.addAll(resource);
        return b;
    }

    /** These policies plus more resource-based policies. */
    public Policies withResourcePolicies(List<NamedPolicy> more) {
        Builder b = toBuilder();
        more.forEach(b::resourcePolicy);
        return b.build();
    }

    /** Every policy with its type, identity first. */
    public List<TypedPolicy> all() {
        List<TypedPolicy> out = new ArrayList<>();
        identity.forEach(p -> out.add(new TypedPolicy(PolicyType.IDENTITY, p)));
        if (boundary != null) {
            out.add(new TypedPolicy(PolicyType.PERMISSIONS_BOUNDARY, boundary));
        }
        session.forEach(p -> out.add(new TypedPolicy(PolicyType.SESSION, p)));
        serviceControlLevels.forEach(l -> l.forEach(p -> out.add(new TypedPolicy(PolicyType.SERVICE_CONTROL, p))));
        resource.forEach(p -> out.add(new TypedPolicy(PolicyType.RESOURCE, p)));
        return List.copyOf(out);
    }

    /**
     * A policy with the role it plays.
     *
     * @param type   its role
     * @param policy the policy
     *
     * @since 0.1.0
     */
    public record TypedPolicy(PolicyType type, NamedPolicy policy) {
        public TypedPolicy {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(policy, "policy");
        }
    }

    private static void check(NamedPolicy p, PolicyType type) {
        List<Statement> statements = p.document().statements();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            String where = "invalid IAM policy " + p.name() + ": Statement[" + i + "]"
                    + (s.sid() == null ? "" : " (Sid \"" + s.sid() + "\")");
            if (type == PolicyType.RESOURCE) {
                if (s.principal() == null && s.notPrincipal() == null) {
                    throw new PolicyParseException(where + ", field Principal: missing; a resource-based policy names "
                            + "who it applies to with Principal (or NotPrincipal)", i, "Principal");
                }
            } else {
                if (s.principal() != null || s.notPrincipal() != null) {
                    String f = s.principal() != null ? "Principal" : "NotPrincipal";
                    throw new PolicyParseException(where + ", field " + f + ": a " + type.description()
                            + " cannot name a principal; only resource-based policies do", i, f);
                }
                if (s.resources() == null && s.notResources() == null) {
                    throw new PolicyParseException(where + ", field Resource: missing; a " + type.description()
                            + " statement needs Resource (or NotResource), such as \"Resource\": \"*\"", i, "Resource");
                }
            }
        }
    }

    /**
     * Builds {@link Policies}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final List<NamedPolicy> identity = new ArrayList<>();
        private @Nullable NamedPolicy boundary;
        private final List<NamedPolicy> session = new ArrayList<>();
        private final List<List<NamedPolicy>> scpLevels = new ArrayList<>();
        private final List<NamedPolicy> resource = new ArrayList<>();

        private Builder() {
        }

        /** Adds an identity-based policy. */
        public Builder identityPolicy(NamedPolicy policy) {
            identity.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Adds an identity-based policy from JSON. @throws PolicyParseException if it is not valid */
        public Builder identityPolicy(String name, String json) {
            return identityPolicy(NamedPolicy.parse(name, json));
        }

        /** Adds an identity-based policy. */
        public Builder identityPolicy(String name, PolicyDocument document) {
            return identityPolicy(NamedPolicy.of(name, document));
        }

        /**
         * Sets the permissions boundary.
         *
         * @throws IllegalStateException if one is already set: a user or role has at most one
         */
        public Builder boundary(NamedPolicy policy) {
            if (boundary != null) {
                throw new IllegalStateException("a permissions boundary is already set (" + boundary.name()
                        + "); an IAM user or role has at most one");
            }
            boundary = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Sets the permissions boundary from JSON. @throws PolicyParseException if it is not valid */
        public Builder boundary(String name, String json) {
            return boundary(NamedPolicy.parse(name, json));
        }

        /** Sets the permissions boundary. */
        public Builder boundary(String name, PolicyDocument document) {
            return boundary(NamedPolicy.of(name, document));
        }

        /** Adds a session policy. */
        public Builder sessionPolicy(NamedPolicy policy) {
            session.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Adds a session policy from JSON. @throws PolicyParseException if it is not valid */
        public Builder sessionPolicy(String name, String json) {
            return sessionPolicy(NamedPolicy.parse(name, json));
        }

        /** Adds a session policy. */
        public Builder sessionPolicy(String name, PolicyDocument document) {
            return sessionPolicy(NamedPolicy.of(name, document));
        }

        /** Adds an SCP to the first level (creating it): SCPs of one level are alternatives, any may allow. */
        public Builder serviceControlPolicy(NamedPolicy policy) {
            if (scpLevels.isEmpty()) {
                scpLevels.add(new ArrayList<>());
            }
            scpLevels.get(0).add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Adds an SCP from JSON to the first level. @throws PolicyParseException if it is not valid */
        public Builder serviceControlPolicy(String name, String json) {
            return serviceControlPolicy(NamedPolicy.parse(name, json));
        }

        /** Adds an SCP to the first level. */
        public Builder serviceControlPolicy(String name, PolicyDocument document) {
            return serviceControlPolicy(NamedPolicy.of(name, document));
        }

        /** Adds a level of the organisation (the root, an OU, the account) with the SCPs attached there. */
        public Builder serviceControlLevel(List<NamedPolicy> policies) {
            scpLevels.add(new ArrayList<>(policies));
            return this;
        }

        /** Adds a resource-based policy of the target resource. */
        public Builder resourcePolicy(NamedPolicy policy) {
            resource.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** Adds a resource-based policy from JSON. @throws PolicyParseException if it is not valid */
        public Builder resourcePolicy(String name, String json) {
            return resourcePolicy(NamedPolicy.parse(name, json));
        }

        /** Adds a resource-based policy. */
        public Builder resourcePolicy(String name, PolicyDocument document) {
            return resourcePolicy(NamedPolicy.of(name, document));
        }

        /**
         * The policies.
         *
         * @throws PolicyParseException if a statement does not fit the role of its policy
         */
        public Policies build() {
            return new Policies(identity, boundary, session, scpLevels, resource);
        }
    }
}
