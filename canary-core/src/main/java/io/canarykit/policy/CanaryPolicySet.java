package io.canarykit.policy;

import io.canarykit.CredentialKind;

import java.util.Objects;

/**
 * The policies that make a canary principal worthless to whoever finds it, as IAM policy JSON documents.
 *
 * @param kind             which credential kind they are for
 * @param inlinePolicyName the name of the inline policy on the user or role
 * @param inlinePolicy     the inline explicit {@code Deny * on *} policy
 * @param boundaryPolicy   the deny-all permissions boundary document to create, or {@code null} when
 *                         {@code boundaryArn} names an existing one
 * @param boundaryArn      the ARN of the boundary to attach, or {@code null} until it exists
 * @param sessionPolicy    the deny-all session policy for AssumeRole and GetFederationToken, or {@code null}
 * @param trustPolicy      the canary role's trust policy (only the issuer may assume it), or {@code null}
 * @param scpStatement     an SCP statement denying the canary principals, for organisations that use SCPs, or
 *                         {@code null}
 */
public record CanaryPolicySet(
        CredentialKind kind,
        String inlinePolicyName,
        String inlinePolicy,
        String boundaryPolicy,
        String boundaryArn,
        String sessionPolicy,
        String trustPolicy,
        String scpStatement) {

    public CanaryPolicySet {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(inlinePolicyName, "inlinePolicyName");
        Objects.requireNonNull(inlinePolicy, "inlinePolicy");
    }
}
