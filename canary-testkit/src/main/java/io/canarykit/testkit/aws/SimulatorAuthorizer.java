package io.canarykit.testkit.aws;

import io.canarykit.policy.AccessRequest;
import io.canarykit.policy.NamedPolicy;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicySimulator;
import io.canarykit.policy.PolicyType;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorises with canarykit's {@link PolicySimulator} (AWS's evaluation logic). A resource policy in a request is a
 * role trust policy, which, unlike a bucket policy, must grant the caller (or its account) or the call is refused
 * whatever the identity policies say.
 */
final class SimulatorAuthorizer implements Authorizer {
    private static final String ALLOW_ALL = Engine.ALLOW_ALL;

    private final PolicySimulator simulator;
    private final Map<String, NamedPolicy> parsed = new ConcurrentHashMap<>();

    SimulatorAuthorizer(Clock clock) {
        this.simulator = PolicySimulator.create(clock);
    }

    @Override
    public Decision decide(Request r) {
        String resourcePolicy = r.resourcePolicy();
        if (resourcePolicy != null && !trustGrants(r, resourcePolicy)) {
            return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.RESOURCE, null);
        }
        Policies.Builder b = Policies.builder();
        for (int i = 0; i < r.identityPolicies().size(); i++) {
            b.identityPolicy(policy("identity-" + (i + 1), r.identityPolicies().get(i)));
        }
        if (r.boundaryPolicy() != null) {
            b.boundary(policy(r.boundaryArn() == null ? "boundary" : r.boundaryArn(), r.boundaryPolicy()));
        }
        if (r.sessionPolicies() != null) {
            for (int i = 0; i < r.sessionPolicies().size(); i++) {
                b.sessionPolicy(policy("session-" + (i + 1), r.sessionPolicies().get(i)));
            }
        }
        for (int i = 0; i < r.scps().size(); i++) {
            b.serviceControlPolicy(policy("scp-" + (i + 1), r.scps().get(i)));
        }
        if (resourcePolicy != null) {
            b.resourcePolicy(policy("trust-policy", resourcePolicy));
        }
        io.canarykit.policy.Decision d = simulator.evaluate(b.build(), request(r, r.resourceAccount()));
        if (d.allowed()) {
            return Decision.ALLOW;
        }
        PolicyKind kind = d.policyType() == null
                ? (r.sessionPolicies() != null ? PolicyKind.SESSION : PolicyKind.IDENTITY)
                : kind(d.policyType());
        return new Decision(d.explicitDeny() ? Outcome.EXPLICIT_DENY : Outcome.IMPLICIT_DENY, kind, d.policyName());
    }

    /**
     * Whether a trust policy grants the caller or its account (and denies nothing): evaluated as if the role were in
     * another account, where only such a grant lets an identity-based allow through.
     */
    private boolean trustGrants(Request r, String resourcePolicy) {
        String elsewhere = "000000000000".equals(r.principalAccount()) ? "000000000001" : "000000000000";
        Policies p = Policies.builder().identityPolicy(policy("trust-check", ALLOW_ALL))
                .resourcePolicy(policy("trust-policy", resourcePolicy)).build();
        return simulator.evaluate(p, request(r, elsewhere)).allowed();
    }

    private static AccessRequest request(Request r, String resourceAccount) {
        AccessRequest.Builder b = AccessRequest.builder().principalArn(r.principalArn())
                .principalAccount(r.principalAccount()).action(r.action()).resource(r.resource())
                .resourceAccount(resourceAccount);
        r.context().forEach(b::context);
        return b.build();
    }

    private NamedPolicy policy(String name, String json) {
        String key = name + '\u0000' + json;
        NamedPolicy p = parsed.get(key);
        if (p == null) {
            if (parsed.size() > 20_000) {
                parsed.clear();
            }
            p = NamedPolicy.parse(name, json);
            parsed.put(key, p);
        }
        return p;
    }

    private static PolicyKind kind(PolicyType t) {
        return switch (t) {
            case IDENTITY -> PolicyKind.IDENTITY;
            case PERMISSIONS_BOUNDARY -> PolicyKind.BOUNDARY;
            case SESSION -> PolicyKind.SESSION;
            case SERVICE_CONTROL -> PolicyKind.SCP;
            case RESOURCE -> PolicyKind.RESOURCE;
        };
    }
}
