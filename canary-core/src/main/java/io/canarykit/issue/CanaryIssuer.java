package io.canarykit.issue;

import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.naming.NameRules;
import io.canarykit.policy.HardeningRequest;

import java.util.List;

/**
 * Issues canary credentials in one AWS account, revokes them, and lists what it issued.
 *
 * <p>Implementations are thread-safe. Use them through {@link AtomicIssuance}, which records the intent in the store
 * before the first AWS write and removes whatever a failure or a crash left behind.
 *
 * @since 0.1.0
 */
public interface CanaryIssuer {

    /** The kind of credential it issues. */
    CredentialKind kind();

    /** The account it issues from (12 digits). */
    String accountId();

    /** The rules principal names must satisfy; names are checked against them before any AWS call. */
    NameRules nameRules();

    /**
     * The name stored in {@link CanaryRecord#issuer()}: the issuer provider's name ({@code iam-user},
     * {@code assume-role}, {@code federation-token}).
     */
    default String name() {
        return kind().configName();
    }

    /**
     * What a {@link io.canarykit.policy.PolicyHardener} needs to know about a principal this issuer would create
     * under {@code principalName}: the account, and where they apply the IAM path, the canary role and the issuer's own
     * ARN. Never {@code null}.
     */
    default HardeningRequest hardeningRequest(String principalName) {
        return new HardeningRequest(kind(), accountId(), principalName, null, null, null);
    }

    /**
     * The principal a request would create, known before any AWS call so that the intent can be recorded first. It
     * validates everything about the request that can be checked offline (name rules, policy kind, durations, tags),
     * so that an invalid request is refused before anything is written.
     *
     * @throws io.canarykit.CanaryConfigurationException if the request is invalid
     */
    Principal plannedPrincipal(IssueRequest request);

    /**
     * Issues one credential.
     *
     * @throws io.canarykit.CanaryConfigurationException if the request is invalid (thrown before any AWS call)
     * @throws CanaryIssuerException if AWS refused or failed; whatever this call created is undone where it could be,
     *                               and {@link CanaryIssuerException#residue()} says whether anything may remain
     */
    IssuedCanary issue(IssueRequest request);

    /**
     * Removes what exists in AWS for {@code record}: deactivates, then deletes keys and the principal with every
     * sub-resource. Idempotent, and works on records whose issuance stopped half-way ({@code PENDING}). It never
     * deletes a principal that this issuer did not create for {@code record} (one that merely has the same name).
     *
     * @return what was found and removed
     * @throws io.canarykit.CanaryException if AWS failed; calling again later is safe
     */
    Revocation revoke(CanaryRecord record);

    /** The principals this issuer made that exist in AWS now (empty for session credentials, which AWS cannot list). */
    List<IssuedPrincipal> listIssued();
}
