package io.canarykit.policy;

import io.canarykit.CredentialKind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * The policies that make a canary principal worthless to whoever finds it, as IAM policy JSON documents.
 *
 * <p>What an issuer does with them, per kind:
 * <ul>
 *   <li>{@code iam-user}: create the boundary policy if {@code boundaryPolicy} is set (a managed policy named by the
 *       last segment of {@code boundaryArn}, see {@link #boundaryPolicyName()}), create the user with
 *       {@code boundaryArn} as its permissions boundary and {@code principalTags} as tags, and put
 *       {@code inlinePolicy} as the inline policy {@code inlinePolicyName}.</li>
 *   <li>{@code assume-role}: the canary role has {@code trustPolicy} as its trust policy, {@code inlinePolicy} inline,
 *       {@code boundaryArn} as boundary and {@code principalTags} as tags; every {@code AssumeRole} passes
 *       {@code sessionPolicy}.</li>
 *   <li>{@code federation-token}: there is no principal to attach anything to; every {@code GetFederationToken}
 *       passes {@code sessionPolicy} (and {@code principalTags} as session tags). {@code inlinePolicy} is the same
 *       deny-all document.</li>
 * </ul>
 * {@code scpStatement}, when set, is for the organisation's administrators to add to an SCP.
 *
 * @param kind             which credential kind they are for
 * @param inlinePolicyName the name of the inline policy on the user or role
 * @param inlinePolicy     the inline explicit {@code Deny * on *} policy
 * @param boundaryPolicy   the deny-all permissions boundary document to create, or {@code null} when
 *                         {@code boundaryArn} names an existing one
 * @param boundaryArn      the ARN of the boundary to attach (the ARN the created policy gets when
 *                         {@code boundaryPolicy} is set), or {@code null} for kinds without one
 * @param sessionPolicy    the deny-all session policy for AssumeRole and GetFederationToken, or {@code null}
 * @param trustPolicy      the canary role's trust policy (only the issuer may assume it), or {@code null}
 * @param scpStatement     an SCP statement (one JSON object) denying the canary principals, for organisations that
 *                         use SCPs, or {@code null}
 * @param principalTags    tags the principal (or session) must carry: the issuer's own policy and a tag-based SCP
 *                         statement rely on them; possibly empty
 *
 * @since 0.1.0
 */
public record CanaryPolicySet(
        CredentialKind kind,
        String inlinePolicyName,
        String inlinePolicy,
        @Nullable String boundaryPolicy,
        @Nullable String boundaryArn,
        @Nullable String sessionPolicy,
        @Nullable String trustPolicy,
        @Nullable String scpStatement,
        Map<String, String> principalTags) {

    public CanaryPolicySet {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(inlinePolicyName, "inlinePolicyName");
        Objects.requireNonNull(inlinePolicy, "inlinePolicy");
        principalTags = Collections.unmodifiableMap(new LinkedHashMap<>(
                principalTags == null ? Map.of() : principalTags));
    }

    /** The policy set without principal tags (the original eight components). */
    public CanaryPolicySet(CredentialKind kind, String inlinePolicyName, String inlinePolicy, String boundaryPolicy,
                           String boundaryArn, String sessionPolicy, String trustPolicy, String scpStatement) {
        this(kind, inlinePolicyName, inlinePolicy, boundaryPolicy, boundaryArn, sessionPolicy, trustPolicy,
                scpStatement, Map.of());
    }

    /**
     * The name of the managed boundary policy: the last segment of {@code boundaryArn}
     * ({@code arn:aws:iam::111122223333:policy/path/name} gives {@code name}), or {@code null}.
     */
    public @Nullable String boundaryPolicyName() {
        if (boundaryArn == null) {
            return null;
        }
        return boundaryArn.substring(boundaryArn.lastIndexOf('/') + 1);
    }

    /** The IAM path of the managed boundary policy ({@code /} or {@code /a/b/}), or {@code null}. */
    public @Nullable String boundaryPolicyPath() {
        if (boundaryArn == null) {
            return null;
        }
        int start = boundaryArn.indexOf(":policy/");
        int end = boundaryArn.lastIndexOf('/');
        return start < 0 || end < start + 8 ? "/" : boundaryArn.substring(start + 7, end + 1);
    }

    /** The SCP statement wrapped in a complete SCP document, or {@code null}. */
    public @Nullable String scpDocument() {
        if (scpStatement == null) {
            return null;
        }
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + scpStatement + "]}";
    }

    /**
     * The policies of this set as the simulator sees them for the canary principal: the inline policy (for users and
     * roles), the boundary when its document is known, the session policy.
     */
    public Policies toPolicies() {
        return toPolicies(List.of());
    }

    /**
     * Like {@link #toPolicies()}, plus more identity-based policies: for a federation token, the policies of the IAM
     * user that calls {@code GetFederationToken} (a federated user gets the intersection of those and the session
     * policy); for users and roles, any managed policies attached besides.
     */
    public Policies toPolicies(List<NamedPolicy> moreIdentityPolicies) {
        Policies.Builder b = Policies.builder();
        if (kind != CredentialKind.FEDERATION_TOKEN) {
            b.identityPolicy(inlinePolicyName, inlinePolicy);
            if (boundaryPolicy != null) {
                b.boundary(boundaryArn == null ? "boundary" : boundaryArn, boundaryPolicy);
            }
        }
        moreIdentityPolicies.forEach(b::identityPolicy);
        if (sessionPolicy != null) {
            b.sessionPolicy("session-policy", sessionPolicy);
        }
        return b.build();
    }
}
