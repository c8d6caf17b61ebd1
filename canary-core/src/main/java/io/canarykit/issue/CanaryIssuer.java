package io.canarykit.issue;

import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.naming.NameRules;

import java.util.List;

/**
 * Issues canary credentials in AWS, revokes them, and lists what it issued.
 */
public interface CanaryIssuer {

    /** The kind of credential it issues. */
    CredentialKind kind();

    /** The account it issues from. */
    String accountId();

    /** The rules principal names must satisfy; names are checked against them before any AWS call. */
    NameRules nameRules();

    /**
     * The principal a request would create, known before any AWS call so that the intent can be recorded first.
     */
    io.canarykit.Principal plannedPrincipal(IssueRequest request);

    /**
     * Issues one credential.
     *
     * @throws io.canarykit.CanaryConfigurationException if the request is invalid (before any AWS call)
     * @throws io.canarykit.CanaryException if AWS refused or failed; whatever this call created is undone
     */
    IssuedCanary issue(IssueRequest request);

    /**
     * Removes what exists in AWS for {@code record}: deactivates, then deletes keys and the principal with every
     * sub-resource. Idempotent, and works on records whose issuance stopped half-way ({@code PENDING}).
     */
    void revoke(CanaryRecord record);

    /** The principals this issuer made that exist in AWS now. */
    List<IssuedPrincipal> listIssued();
}
