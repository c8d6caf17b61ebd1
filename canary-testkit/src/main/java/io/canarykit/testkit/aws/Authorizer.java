package io.canarykit.testkit.aws;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Decides whether a principal may perform an action on a resource, from the policies that apply to it. */
interface Authorizer {

    /** Which kind of policy decided a denial; it picks the wording of AWS's AccessDenied message. */
    enum PolicyKind { IDENTITY, BOUNDARY, SESSION, SCP, RESOURCE }

    enum Outcome { ALLOW, IMPLICIT_DENY, EXPLICIT_DENY }

    /**
     * The outcome, and for denials the kind of policy that denied ({@code null} for an allow) and its name (a
     * managed policy ARN for a boundary, or {@code null}).
     */
    record Decision(Outcome outcome, @Nullable PolicyKind by, @Nullable String policyName) {
        static final Decision ALLOW = new Decision(Outcome.ALLOW, null, null);

        boolean allowed() {
            return outcome == Outcome.ALLOW;
        }
    }

    /**
     * One authorisation question.
     *
     * @param principalArn       who asks (as GetCallerIdentity shows it)
     * @param principalAccount   the caller's account
     * @param action             {@code service:Action}
     * @param resource           the resource ARN, or {@code *}
     * @param identityPolicies   the principal's identity-based policy documents (inline and attached)
     * @param boundaryArn        the permissions boundary's ARN, or {@code null} for none
     * @param boundaryPolicy     the permissions boundary document, or {@code null} for none
     * @param sessionPolicies    the session policies, or {@code null} when the session has none (an empty list for a
     *                           federated user without session policy, which therefore may do nothing)
     * @param scps               the service control policies of the caller's account (empty for none)
     * @param resourcePolicy     a resource-based policy that must grant the caller (a role's trust policy), or
     *                           {@code null} when the resource has none
     * @param resourceAccount    the account owning the resource
     * @param context            condition keys (lower-case names) and their values
     */
    record Request(String principalArn, String principalAccount, String action, String resource,
                   List<String> identityPolicies, @Nullable String boundaryArn, @Nullable String boundaryPolicy,
                   @Nullable List<String> sessionPolicies, List<String> scps, @Nullable String resourcePolicy,
                   String resourceAccount,
                   Map<String, List<String>> context) {
    }

    Decision decide(Request request);
}
