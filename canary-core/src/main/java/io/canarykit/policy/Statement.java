package io.canarykit.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One statement of an IAM policy.
 *
 * <p>Exactly one of {@code actions}/{@code notActions} is non-null. At most one of {@code resources}/{@code notResources}
 * is non-null (role trust policies have neither; every other policy type needs one, which {@link Policies} checks).
 * At most one of {@code principal}/{@code notPrincipal} is non-null (only resource-based policies have one).
 *
 * @param sid          the {@code Sid}, or {@code null}
 * @param effect       {@code Allow} or {@code Deny}
 * @param actions      the {@code Action} patterns, or {@code null} when the statement uses {@code NotAction}
 * @param notActions   the {@code NotAction} patterns, or {@code null}
 * @param resources    the {@code Resource} patterns, or {@code null}
 * @param notResources the {@code NotResource} patterns, or {@code null}
 * @param principal    the {@code Principal}, or {@code null}
 * @param notPrincipal the {@code NotPrincipal}, or {@code null}
 * @param conditions   the conditions (all must hold), possibly empty
 *
 * @since 0.1.0
 */
public record Statement(@Nullable String sid, Effect effect, @Nullable List<String> actions,
                        @Nullable List<String> notActions, @Nullable List<String> resources,
                        @Nullable List<String> notResources, @Nullable PolicyPrincipal principal,
                        @Nullable PolicyPrincipal notPrincipal, List<PolicyCondition> conditions) {

    public Statement {
        Objects.requireNonNull(effect, "effect");
        if ((actions == null) == (notActions == null)) {
            throw new IllegalArgumentException("a statement has exactly one of Action and NotAction");
        }
        if (resources != null && notResources != null) {
            throw new IllegalArgumentException("a statement has at most one of Resource and NotResource");
        }
        if (principal != null && notPrincipal != null) {
            throw new IllegalArgumentException("a statement has at most one of Principal and NotPrincipal");
        }
        actions = actions == null ? null : List.copyOf(actions);
        notActions = notActions == null ? null : List.copyOf(notActions);
        resources = resources == null ? null : List.copyOf(resources);
        notResources = notResources == null ? null : List.copyOf(notResources);
        conditions = List.copyOf(conditions == null ? List.of() : conditions);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this statement's elements. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sid = sid;
        b.effect = effect;
        b.actions = actions;
        b.notActions = notActions;
        b.resources = resources;
        b.notResources = notResources;
        b.principal = principal;
        b.notPrincipal = notPrincipal;
        b.conditions.addAll(conditions);
        return b;
    }

    /** True if the statement uses {@code NotAction}. */
    public boolean usesNotAction() {
        return notActions != null;
    }

    /** True if the statement uses {@code NotResource}. */
    public boolean usesNotResource() {
        return notResources != null;
    }

    /** This statement as compact IAM JSON (an object, not a whole document). */
    public String toJson() {
        return PolicyJson.writeStatement(this);
    }

    /**
     * Builds a {@link Statement}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String sid;
        private @Nullable Effect effect;
        private @Nullable List<String> actions;
        private @Nullable List<String> notActions;
        private @Nullable List<String> resources;
        private @Nullable List<String> notResources;
        private @Nullable PolicyPrincipal principal;
        private @Nullable PolicyPrincipal notPrincipal;
        private final List<PolicyCondition> conditions = new ArrayList<>();

        private Builder() {
        }

        /** The {@code Sid}; may be {@code null}. */
        public Builder sid(@Nullable String sid) {
            this.sid = sid;
            return this;
        }

        /** The effect. */
        public Builder effect(Effect effect) {
            this.effect = Objects.requireNonNull(effect, "effect");
            return this;
        }

        /** {@code Effect: Allow}. */
        public Builder allow() {
            return effect(Effect.ALLOW);
        }

        /** {@code Effect: Deny}. */
        public Builder deny() {
            return effect(Effect.DENY);
        }

        /** The {@code Action} patterns (replaces any {@code NotAction}). */
        public Builder actions(String... actions) {
            this.actions = List.of(actions);
            this.notActions = null;
            return this;
        }

        /** The {@code NotAction} patterns (replaces any {@code Action}). */
        public Builder notActions(String... notActions) {
            this.notActions = List.of(notActions);
            this.actions = null;
            return this;
        }

        /** The {@code Resource} patterns (replaces any {@code NotResource}). */
        public Builder resources(String... resources) {
            this.resources = List.of(resources);
            this.notResources = null;
            return this;
        }

        /** The {@code NotResource} patterns (replaces any {@code Resource}). */
        public Builder notResources(String... notResources) {
            this.notResources = List.of(notResources);
            this.resources = null;
            return this;
        }

        /** The {@code Principal} (replaces any {@code NotPrincipal}). */
        public Builder principal(PolicyPrincipal principal) {
            this.principal = principal;
            this.notPrincipal = null;
            return this;
        }

        /** The {@code NotPrincipal} (replaces any {@code Principal}). */
        public Builder notPrincipal(PolicyPrincipal notPrincipal) {
            this.notPrincipal = notPrincipal;
            this.principal = null;
            return this;
        }

        /** Adds a condition. */
        public Builder condition(String operator, String key, String... values) {
            conditions.add(PolicyCondition.of(operator, key, values));
            return this;
        }

        /** Adds a condition. */
        public Builder condition(PolicyCondition condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /**
         * The statement.
         *
         * @throws IllegalArgumentException if the effect or the action element is missing
         */
        public Statement build() {
            if (effect == null) {
                throw new IllegalArgumentException("a statement needs an effect: call allow() or deny()");
            }
            return new Statement(sid, effect, actions, notActions, resources, notResources, principal, notPrincipal,
                    conditions);
        }
    }
}
