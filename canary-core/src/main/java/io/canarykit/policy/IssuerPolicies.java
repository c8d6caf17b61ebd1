package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import io.canarykit.naming.IamPath;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * The least-privilege IAM policy the issuer itself needs, per credential kind, so that users can create the issuer's
 * role or user: exactly the calls the {@code canary-aws} issuers make (detectors need their own read permissions). Each
 * is a managed policy (at most 6,144 non-whitespace characters).
 *
 * <ul>
 *   <li>{@code iam-user}: create users (under the configured path) only with the deny-all boundary and the management
 *       tag; manage and tear down (keys, inline policy, whatever an attacker could have attached, deletion) only users
 *       carrying the management tag; list users; create the boundary policy once.</li>
 *   <li>{@code assume-role}: assume and tag sessions of the canary role only; set the role up once (create it with the
 *       boundary, its inline and trust policies, its session duration) and revoke its sessions (inline policy).</li>
 *   <li>{@code federation-token}: {@code sts:GetFederationToken} (and session tags) only. A federated user gets the
 *       intersection of the issuing IAM user's policies and the session policy, so that user must hold nothing
 *       else.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class IssuerPolicies {
    private final String partition;
    private final String accountId;
    private final String userPath;
    private final String boundaryArn;
    private final @Nullable String roleArn;
    private final Map<String, String> managementTags;

    private IssuerPolicies(Builder b) {
        this.partition = b.partition;
        // build() refuses a builder without the account id.
        this.accountId = Objects.requireNonNull(b.accountId, "accountId");
        this.userPath = b.userPath;
        this.boundaryArn = b.boundaryArn != null ? b.boundaryArn
                : "arn:" + partition + ":iam::" + accountId + ":policy/" + DenyAllPolicyHardener.DEFAULT_BOUNDARY_POLICY_NAME;
        this.roleArn = b.roleArn;
        this.managementTags = Collections.unmodifiableMap(new LinkedHashMap<>(b.managementTags));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The issuer's policy for {@code kind}.
     *
     * @throws CanaryConfigurationException if {@code assume-role} is asked for without a role ARN
     */
    public PolicyDocument forKind(CredentialKind kind) {
        PolicyDocument doc = switch (kind) {
            case IAM_USER -> iamUser();
            case ASSUMED_ROLE -> assumeRole();
            case FEDERATION_TOKEN -> federationToken();
        };
        int size = doc.sizeWithoutWhitespace();
        if (size > DenyAllPolicyHardener.MANAGED_POLICY_LIMIT) {
            throw new CanaryConfigurationException("the issuer policy for " + kind.configName() + " has " + size
                    + " characters; a managed policy allows " + DenyAllPolicyHardener.MANAGED_POLICY_LIMIT);
        }
        return doc;
    }

    private String users() {
        return "arn:" + partition + ":iam::" + accountId + ":user" + userPath + "*";
    }

    private PolicyDocument iamUser() {
        List<Statement> s = new ArrayList<>();
        Statement.Builder create = Statement.builder().sid("CreateUsersWithBoundary").allow().actions("iam:CreateUser")
                .resources(users()).condition("StringEquals", "iam:PermissionsBoundary", boundaryArn);
        managementTags.forEach((k, v) -> create.condition("StringEquals", "aws:RequestTag/" + k, v));
        s.add(create.build());
        if (!managementTags.isEmpty()) {
            Statement.Builder tag = Statement.builder().sid("TagUsersOnCreate").allow().actions("iam:TagUser")
                    .resources(users());
            managementTags.forEach((k, v) -> tag.condition("StringEquals", "aws:RequestTag/" + k, v));
            s.add(tag.build());
        }
        s.add(Statement.builder().sid("SetBoundaryAndInlinePolicy").allow()
                .actions("iam:PutUserPermissionsBoundary", "iam:PutUserPolicy", "iam:DeleteUserPolicy",
                        "iam:DetachUserPolicy")
                .resources(users()).condition("StringEquals", "iam:PermissionsBoundary", boundaryArn).build());
        Statement.Builder manage = Statement.builder().sid("ManageTaggedUsers").allow()
                .actions("iam:GetUser", "iam:DeleteUser", "iam:ListUserTags", "iam:ListUserPolicies", "iam:GetUserPolicy",
                        "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "iam:CreateAccessKey",
                        "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:DeleteLoginProfile",
                        "iam:ListMFADevices", "iam:DeactivateMFADevice", "iam:ListSigningCertificates",
                        "iam:DeleteSigningCertificate", "iam:ListSSHPublicKeys", "iam:DeleteSSHPublicKey",
                        "iam:ListServiceSpecificCredentials", "iam:DeleteServiceSpecificCredential")
                .resources(users());
        managementTags.forEach((k, v) -> manage.condition("StringEquals", "aws:ResourceTag/" + k, v));
        s.add(manage.build());
        s.add(Statement.builder().sid("RemoveWhatWasAddedToThem").allow()
                .actions("iam:RemoveUserFromGroup", "iam:DeleteVirtualMFADevice")
                .resources("arn:" + partition + ":iam::" + accountId + ":group/*",
                        "arn:" + partition + ":iam::" + accountId + ":mfa/*").build());
        // ListUsers for reconciliation; GetAccountSummary for the account pool's quota headroom
        s.add(Statement.builder().sid("ListUsersAndQuotas").allow().actions("iam:ListUsers", "iam:GetAccountSummary")
                .resources("*").build());
        s.add(boundaryStatement());
        return PolicyDocument.of(s);
    }

    private PolicyDocument assumeRole() {
        if (roleArn == null) {
            throw new CanaryConfigurationException("the assume-role issuer policy needs the canary role's ARN: set "
                    + "roleArn, such as arn:aws:iam::111122223333:role/ci-deploy");
        }
        List<Statement> s = new ArrayList<>();
        s.add(Statement.builder().sid("AssumeTheRole").allow()
                .actions("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity").resources(roleArn).build());
        s.add(Statement.builder().sid("CreateTheRoleWithBoundary").allow()
                .actions("iam:CreateRole", "iam:PutRolePermissionsBoundary").resources(roleArn)
                .condition("StringEquals", "iam:PermissionsBoundary", boundaryArn).build());
        s.add(Statement.builder().sid("MaintainTheRole").allow()
                .actions("iam:GetRole", "iam:TagRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
                        "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies")
                .resources(roleArn).build());
        s.add(boundaryStatement());
        return PolicyDocument.of(s);
    }

    private PolicyDocument federationToken() {
        return PolicyDocument.of(Statement.builder().sid("FederationTokensOnly").allow()
                .actions("sts:GetFederationToken", "sts:TagSession")
                .resources("arn:" + partition + ":sts::" + accountId + ":federated-user/*").build());
    }

    private Statement boundaryStatement() {
        return Statement.builder().sid("CreateTheBoundaryPolicy").allow()
                .actions("iam:CreatePolicy", "iam:GetPolicy").resources(boundaryArn).build();
    }

    /**
     * Builds {@link IssuerPolicies}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String partition = "aws";
        private @Nullable String accountId;
        private String userPath = "/";
        private @Nullable String boundaryArn;
        private @Nullable String roleArn;
        private final Map<String, String> managementTags = new LinkedHashMap<>(Map.of(
                DenyAllPolicyHardener.DEFAULT_TAG_KEY, DenyAllPolicyHardener.DEFAULT_TAG_VALUE));

        private Builder() {
        }

        /** The issuing account (required). */
        public Builder accountId(String accountId) {
            this.accountId = Principal.requireAccount(accountId);
            return this;
        }

        /** The partition; default {@code aws}. */
        public Builder partition(String partition) {
            this.partition = Objects.requireNonNull(partition, "partition");
            return this;
        }

        /** The IAM path canary users are created under ({@code /} or {@code /a/b/}); default {@code /}. */
        public Builder userPath(String path) {
            this.userPath = IamPath.validate(path);
            return this;
        }

        /** The boundary every canary gets; default {@code arn:aws:iam::<account>:policy/baseline-boundary}. */
        public Builder boundaryArn(String arn) {
            this.boundaryArn = Objects.requireNonNull(arn, "arn");
            return this;
        }

        /** The canary role, for {@code assume-role}. */
        public Builder roleArn(String arn) {
            this.roleArn = Objects.requireNonNull(arn, "arn");
            return this;
        }

        /** The tags that mark principals the issuer manages (must match the hardener's principal tags). */
        public Builder managementTags(Map<String, String> tags) {
            managementTags.clear();
            managementTags.putAll(tags);
            return this;
        }

        /** Takes the boundary ARN (if configured) and the principal tags from {@code set}. */
        public Builder matching(CanaryPolicySet set) {
            if (set.boundaryArn() != null) {
                boundaryArn = set.boundaryArn();
            }
            return managementTags(set.principalTags());
        }

        /**
         * The policies.
         *
         * @throws CanaryConfigurationException if the account is missing
         */
        public IssuerPolicies build() {
            if (accountId == null) {
                throw new CanaryConfigurationException("the issuer policy needs the account id: set accountId");
            }
            return new IssuerPolicies(this);
        }
    }
}
