package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** One authenticated call being served: the request, its caller, and helpers the service handlers share. */
final class Call {
    final Engine engine;
    final AwsRequest req;
    final ServiceInfo svc;
    final String requestId;
    final Instant now;
    final Credential cred;
    final AccountState account;
    /** The operation and the region the request was signed for (the request has both once it is a call). */
    private final String operation;
    final String region;

    Call(Engine engine, AwsRequest req, ServiceInfo svc, String requestId, Instant now, Credential cred,
         AccountState account) {
        this.engine = engine;
        this.operation = Objects.requireNonNull(req.operation, "a call is made only once its operation is read");
        this.region = Objects.requireNonNull(req.region, "a call is made only for a signed request (it has a region)");
        this.req = req;
        this.svc = svc;
        this.requestId = requestId;
        this.now = now;
        this.cred = cred;
        this.account = account;
    }

    String op() {
        return operation;
    }

    String accountId() {
        return account.accountId;
    }

    /** A form parameter (Query protocols), or {@code null}. */
    @Nullable String param(String name) {
        String v = req.form.get(name);
        return v;
    }

    /** A required form parameter; a missing one is a ValidationError naming the member. */
    String required(String name) {
        String v = req.form.get(name);
        if (v == null) {
            throw ApiError.validation("1 validation error detected: Value null at '" + lowerFirst(name)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return v;
    }

    /** An integer parameter, or {@code dflt} when absent. */
    int intParam(String name, int dflt) {
        String v = req.form.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiError.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(name)
                    + "' failed to satisfy constraint: Member must be a number");
        }
    }

    /** A list parameter {@code Name.member.N} (or {@code Name.member.N.sub}). */
    List<String> list(String name, @Nullable String sub) {
        List<String> out = new ArrayList<>();
        for (int i = 1; ; i++) {
            String v = req.form.get(name + ".member." + i + (sub == null ? "" : "." + sub));
            if (v == null) {
                return out;
            }
            out.add(v);
        }
    }

    /** Tags given as {@code Tags.member.N.Key/Value}, in order. */
    List<String[]> tags(String name) {
        List<String[]> out = new ArrayList<>();
        for (int i = 1; ; i++) {
            String k = req.form.get(name + ".member." + i + ".Key");
            if (k == null) {
                return out;
            }
            String v = req.form.get(name + ".member." + i + ".Value");
            out.add(new String[] {k, v == null ? "" : v});
        }
    }

    /** A Query-protocol success with the given result XML (null for operations without output). */
    Reply ok(@Nullable String resultXml) {
        return Wire.query(svc, operation, resultXml, requestId);
    }

    Reply ok(Xml result) {
        return ok(result.toString());
    }

    /** Authorises {@code action} on {@code resource} for the caller, or throws the service's AccessDenied. */
    void authorize(String action, String resource) {
        authorize(action, resource, null, null, Map.of());
    }

    /**
     * Authorises with a resource-based policy and extra condition keys.
     *
     * @param resourcePolicy  e.g. a trust policy, or null
     * @param resourceAccount the resource's account, or null for the caller's
     */
    void authorize(String action, String resource, @Nullable String resourcePolicy, @Nullable String resourceAccount,
                   Map<String, List<String>> extraContext) {
        Authorizer.Decision d = decide(action, resource, resourcePolicy, resourceAccount, extraContext);
        if (!d.allowed()) {
            throw engine.denied(this, action, resource, d);
        }
    }

    Authorizer.Decision decide(String action, String resource, @Nullable String resourcePolicy,
                               @Nullable String resourceAccount,
                               Map<String, List<String>> extraContext) {
        Engine.PrincipalPolicies p = engine.policiesOf(cred);
        Map<String, List<String>> context = engine.context(this);
        if (!extraContext.isEmpty()) {
            context = new HashMap<>(context);
            context.putAll(extraContext);
        }
        return engine.authorizer.decide(new Authorizer.Request(cred.principalArn(), cred.accountId, action, resource,
                p.identity(), p.boundaryArn(), p.boundary(), p.session(), engine.scps(cred.accountId), resourcePolicy,
                resourceAccount == null ? cred.accountId : resourceAccount, context));
    }

    static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
