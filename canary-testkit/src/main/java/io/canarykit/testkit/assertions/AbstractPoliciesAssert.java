package io.canarykit.testkit.assertions;

import io.canarykit.policy.AccessRequest;
import io.canarykit.policy.Decision;
import io.canarykit.policy.DenyAllReport;
import io.canarykit.policy.NamedPolicy;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicyDocument;
import io.canarykit.policy.PolicySimulator;
import org.assertj.core.api.AbstractAssert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Assertions over a set of IAM policies, evaluated offline by the {@link PolicySimulator}. Subclasses say how the
 * actual value becomes {@link Policies} and which principal it is for by default.
 *
 * <p>Every failure message says what was expected and quotes the statement that decided otherwise.
 *
 * @param <SELF>   the assertion type
 * @param <ACTUAL> the value under test
 *
 * @since 0.1.0
 */
public abstract class AbstractPoliciesAssert<SELF extends AbstractPoliciesAssert<SELF, ACTUAL>, ACTUAL>
        extends AbstractAssert<SELF, ACTUAL> {
    private @Nullable String principalArn;
    private final Map<String, List<String>> context = new LinkedHashMap<>();
    private PolicySimulator simulator = PolicySimulator.create();

    protected AbstractPoliciesAssert(ACTUAL actual, Class<?> selfType) {
        super(actual, selfType);
    }

    /** The policies of the actual value. */
    protected abstract Policies policies();

    /** The principal used when {@link #asPrincipal} is not called. */
    protected abstract String defaultPrincipalArn();

    /** Evaluates requests as this principal ({@code GetCallerIdentity}'s ARN). */
    public SELF asPrincipal(String principalArn) {
        this.principalArn = Objects.requireNonNull(principalArn, "principalArn");
        return myself;
    }

    /** Adds a context key (such as {@code aws:SourceIp}) to every request this assertion evaluates. */
    public SELF withContext(String key, String... values) {
        context.put(key, List.of(values));
        return myself;
    }

    /** Uses this simulator (for a fixed clock, say). */
    public SELF usingSimulator(PolicySimulator simulator) {
        this.simulator = Objects.requireNonNull(simulator, "simulator");
        return myself;
    }

    /** The principal the requests are evaluated for. */
    protected String principal() {
        return principalArn != null ? principalArn : defaultPrincipalArn();
    }

    /**
     * Verifies that every action but {@code sts:GetCallerIdentity} is denied to the principal (see
     * {@link PolicySimulator#checkDeniesEverything}); chain {@link DeniesEverythingAssert#evenWith} to add the
     * resource-based policies that might grant it something.
     */
    public DeniesEverythingAssert deniesEverything() {
        isNotNull();
        DeniesEverythingAssert next = new DeniesEverythingAssert(policies(), principal(), simulator, descriptionPrefix());
        next.check();
        return next;
    }

    /** Starts checking that {@code action} is allowed; finish with {@link ActionAssert#on}. */
    public ActionAssert allows(String action) {
        return new ActionAssert(this, action, ActionAssert.Expectation.ALLOW);
    }

    /** Starts checking that {@code action} is denied (explicitly or implicitly); finish with {@link ActionAssert#on}. */
    public ActionAssert denies(String action) {
        return new ActionAssert(this, action, ActionAssert.Expectation.DENY);
    }

    /** Starts checking that {@code action} is denied by an explicit {@code Deny}; finish with {@link ActionAssert#on}. */
    public ActionAssert deniesExplicitly(String action) {
        return new ActionAssert(this, action, ActionAssert.Expectation.EXPLICIT_DENY);
    }

    /** Starts checking that {@code action} is denied only because nothing allows it. */
    public ActionAssert deniesImplicitly(String action) {
        return new ActionAssert(this, action, ActionAssert.Expectation.IMPLICIT_DENY);
    }

    Decision evaluate(String action, String resource) {
        isNotNull();
        AccessRequest.Builder b = AccessRequest.builder().principalArn(principal()).action(action).resource(resource);
        context.forEach(b::context);
        return simulator.evaluate(policies(), b.build());
    }

    SELF self() {
        return myself;
    }

    /** What the assertion would be named in messages. */
    String descriptionPrefix() {
        String d = info.descriptionText();
        return d == null || d.isEmpty() ? "" : "[" + d + "] ";
    }

    static NamedPolicy resourcePolicy(String name, String json) {
        return NamedPolicy.parse(name, json);
    }

    static NamedPolicy resourcePolicy(String name, PolicyDocument document) {
        return NamedPolicy.of(name, document);
    }

    /**
     * Checks that everything is denied, with resource-based policies added on the way.
     *
     * @since 0.1.0
     */
    public static final class DeniesEverythingAssert {
        private Policies policies;
        private final String principal;
        private final PolicySimulator simulator;
        private final String description;
        private final List<String> added = new ArrayList<>();
        private @Nullable DenyAllReport report;

        DeniesEverythingAssert(Policies policies, String principal, PolicySimulator simulator, String description) {
            this.policies = policies;
            this.principal = principal;
            this.simulator = simulator;
            this.description = description;
        }

        void check() {
            report = simulator.checkDeniesEverything(policies, principal);
            if (!report.deniesEverything()) {
                throw new AssertionError(description + "Expecting the policies to deny " + principal
                        + " every action but sts:GetCallerIdentity" + (added.isEmpty() ? "" : " even with "
                        + String.join(", ", added)) + ", but " + report.describe());
            }
        }

        /**
         * Adds a resource-based policy (JSON) of the target resource and checks again: the policies must still deny
         * everything. Policies added by successive calls accumulate.
         */
        public DeniesEverythingAssert evenWith(String resourcePolicyJson) {
            return evenWith(resourcePolicy("resource-policy-" + (added.size() + 1), resourcePolicyJson));
        }

        /** Adds a resource-based policy document and checks again. */
        public DeniesEverythingAssert evenWith(PolicyDocument resourcePolicy) {
            return evenWith(resourcePolicy("resource-policy-" + (added.size() + 1), resourcePolicy));
        }

        /** Adds a named resource-based policy and checks again. */
        public DeniesEverythingAssert evenWith(NamedPolicy resourcePolicy) {
            policies = policies.withResourcePolicies(List.of(resourcePolicy));
            added.add("resource-based policy \"" + resourcePolicy.name() + "\"");
            check();
            return this;
        }

        /**
         * Verifies that an unconditional {@code Deny * on *} that always applies proves the denial for every action,
         * not only the sampled ones.
         */
        public DeniesEverythingAssert andIsProvenByABlanketDeny() {
            DenyAllReport report = report();
            if (!report.proven()) {
                throw new AssertionError(description + "Expecting an unconditional Deny of * on * that always applies to "
                        + principal + ", but there is none: the denial holds for the " + report.requestsChecked()
                        + " sampled requests only");
            }
            return this;
        }

        /** The last report, for further checks. */
        public DenyAllReport report() {
            DenyAllReport r = report;
            if (r == null) {
                throw new IllegalStateException("the policies were not checked yet"); // deniesEverything() checks them
            }
            return r;
        }
    }
}
