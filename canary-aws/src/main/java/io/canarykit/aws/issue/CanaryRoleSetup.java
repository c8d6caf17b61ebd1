package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.CredentialKind;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.PolicyDocument;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates the canary role an {@link AssumeRoleIssuer} assumes, or checks (and, when allowed, fixes) an existing one:
 * the trust policy lets only the issuer assume it, the inline deny-all policy is in place, the deny-all permissions
 * boundary is attached, and MaxSessionDuration allows the sessions to be issued. It reports managed policies attached
 * to the role and inline policies other than its own, which might grant permissions; it never removes them.
 *
 * <p>Run it once per account at set-up (it is idempotent), with the policy set the hardener produced for the role.
 *
 * @since 0.1.0
 */
public final class CanaryRoleSetup {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryRoleSetup.class);

    private final IamClient iam;
    private final String accountId;
    private final String roleName;
    private final String path;
    private final CanaryPolicySet policies;
    private final Duration maxSessionDuration;
    private final Map<String, String> tags;
    private final boolean fix;

    private CanaryRoleSetup(Builder b) {
        this.iam = Objects.requireNonNull(b.iam, "iam"); // build() checked it
        this.accountId = Objects.requireNonNull(b.accountId, "accountId"); // build() checked it
        this.roleName = Objects.requireNonNull(b.roleName, "roleName"); // build() checked it
        this.path = b.path;
        this.policies = Objects.requireNonNull(b.policies, "policies"); // build() checked it
        this.maxSessionDuration = b.maxSessionDuration;
        this.tags = Map.copyOf(b.tags);
        this.fix = b.fix;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What {@link #ensure()} did and found.
     *
     * @param roleArn  the role's ARN
     * @param created  true if the role was created now
     * @param changes  what was changed on an existing role, one sentence each
     * @param problems what is wrong and was not (or could not be) fixed, one sentence each
     *
     * @since 0.1.0
     */
    public record Result(String roleArn, boolean created, List<String> changes, List<String> problems) {
        public Result {
            changes = List.copyOf(changes);
            problems = List.copyOf(problems);
        }

        /** True when the role is as it should be. */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Creates the role or checks it.
     *
     * @throws CanaryException if AWS failed
     */
    public Result ensure() {
        BoundaryPolicies boundaries = new BoundaryPolicies(iam, accountId);
        boundaries.validate(policies);
        boundaries.ensure(policies);
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Role role;
        try {
            role = iam.getRole(b -> b.roleName(roleName)).role();
        } catch (SdkException e) {
            if (!AwsErrors.is(e, "NoSuchEntity")) {
                throw failure("GetRole", e);
            }
            role = create();
            return new Result(role.arn(), true, List.of(), List.of());
        }
        String arn = role.arn();
        // build() refuses a policy set without a trust policy
        String trustPolicy = Objects.requireNonNull(policies.trustPolicy(), "trustPolicy");
        if (!same(decode(role.assumeRolePolicyDocument()), trustPolicy)) {
            if (fix) {
                call("UpdateAssumeRolePolicy", () -> iam.updateAssumeRolePolicy(b -> b.roleName(roleName)
                        .policyDocument(policies.trustPolicy())));
                changes.add("replaced the trust policy: only the issuer may assume the role");
            } else {
                problems.add("the trust policy is not the hardened one: others than the issuer may assume the role");
            }
        }
        int wanted = (int) maxSessionDuration.toSeconds();
        if (role.maxSessionDuration() == null || role.maxSessionDuration() < wanted) {
            if (fix) {
                call("UpdateRole", () -> iam.updateRole(b -> b.roleName(roleName).maxSessionDuration(wanted)));
                changes.add("raised MaxSessionDuration to " + wanted + " s");
            } else {
                problems.add("MaxSessionDuration is " + role.maxSessionDuration() + " s, less than " + wanted + " s");
            }
        }
        String boundary = role.permissionsBoundary() == null ? null : role.permissionsBoundary().permissionsBoundaryArn();
        if (policies.boundaryArn() != null && !policies.boundaryArn().equals(boundary)) {
            if (fix) {
                call("PutRolePermissionsBoundary", () -> iam.putRolePermissionsBoundary(b -> b.roleName(roleName)
                        .permissionsBoundary(policies.boundaryArn())));
                changes.add("attached the permissions boundary " + policies.boundaryArn());
            } else {
                problems.add("the permissions boundary is " + boundary + ", not " + policies.boundaryArn());
            }
        }
        String inline = null;
        try {
            inline = decode(iam.getRolePolicy(b -> b.roleName(roleName).policyName(policies.inlinePolicyName()))
                    .policyDocument());
        } catch (SdkException e) {
            if (!AwsErrors.is(e, "NoSuchEntity")) {
                throw failure("GetRolePolicy", e);
            }
        }
        if (inline == null || !same(inline, policies.inlinePolicy())) {
            if (fix) {
                putInline();
                changes.add("put the inline deny-all policy " + policies.inlinePolicyName());
            } else {
                problems.add("the inline deny-all policy " + policies.inlinePolicyName() + " is missing or changed");
            }
        }
        try {
            for (String name : iam.listRolePoliciesPaginator(b -> b.roleName(roleName)).policyNames()) {
                if (!name.equals(policies.inlinePolicyName()) && !name.equals(AssumeRoleIssuer.REVOKE_POLICY_NAME)) {
                    problems.add("the role has another inline policy, " + name + ", which may grant permissions");
                }
            }
            for (AttachedPolicy p : iam.listAttachedRolePoliciesPaginator(b -> b.roleName(roleName)).attachedPolicies()) {
                problems.add("the role has the managed policy " + p.policyArn() + " attached, which may grant permissions");
            }
        } catch (SdkException e) {
            throw failure("listing the role's policies", e);
        }
        LOG.debug("checked canary role {}: changes {}, problems {}", arn, changes, problems);
        return new Result(arn, false, changes, problems);
    }

    private Role create() {
        List<Tag> roleTags = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(policies.principalTags());
        all.putAll(tags);
        IamUserIssuer.validateTags(all).forEach((k, v) -> roleTags.add(Tag.builder().key(k).value(v).build()));
        Role role;
        try {
            role = iam.createRole(b -> b.roleName(roleName).path(path).assumeRolePolicyDocument(policies.trustPolicy())
                    .maxSessionDuration((int) maxSessionDuration.toSeconds()).permissionsBoundary(policies.boundaryArn())
                    .tags(roleTags)).role();
        } catch (SdkException e) {
            throw failure("CreateRole", e);
        }
        putInline();
        LOG.debug("created canary role {}", role.arn());
        return role;
    }

    private void putInline() {
        call("PutRolePolicy", () -> iam.putRolePolicy(b -> b.roleName(roleName).policyName(policies.inlinePolicyName())
                .policyDocument(policies.inlinePolicy())));
    }

    private void call(String operation, Runnable action) {
        try {
            action.run();
        } catch (SdkException e) {
            throw failure(operation, e);
        }
    }

    private CanaryException failure(String operation, SdkException e) {
        return new CanaryException(operation + " for the canary role " + roleName + " failed: " + AwsErrors.describe(e)
                + "; set-up is idempotent, run it again", e);
    }

    private static @Nullable String decode(String document) {
        if (document == null) {
            return null;
        }
        return document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    }

    private static boolean same(@Nullable String actual, String expected) {
        if (actual == null) {
            return false;
        }
        try {
            return PolicyDocument.parse(actual).equals(PolicyDocument.parse(expected));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Builder for {@link CanaryRoleSetup}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable IamClient iam;
        private @Nullable String accountId;
        private @Nullable String roleName;
        private String path = "/";
        private @Nullable CanaryPolicySet policies;
        private Duration maxSessionDuration = Duration.ofHours(1);
        private final Map<String, String> tags = new LinkedHashMap<>();
        private boolean fix = true;

        private Builder() {
        }

        /** The IAM client of the role's account (required). */
        public Builder iam(IamClient iam) {
            this.iam = Objects.requireNonNull(iam, "iam");
            return this;
        }

        /** The role's account (required). */
        public Builder accountId(String accountId) {
            this.accountId = io.canarykit.Principal.requireAccount(accountId);
            return this;
        }

        /** The role's name (required; 1-64 of {@code [A-Za-z0-9+=,.@_-]}). Avoid tell-tale words. */
        public Builder roleName(String roleName) {
            if (roleName == null || !roleName.matches("[\\w+=,.@-]{1,64}")) {
                throw new CanaryConfigurationException("invalid role name '" + roleName
                        + "': use 1-64 letters, digits or + = , . @ _ -");
            }
            this.roleName = roleName;
            return this;
        }

        /** The role's IAM path (default {@code /}). */
        public Builder path(String path) {
            if (path == null || !IamUserIssuer.PATH.matcher(path).matches()) {
                throw new CanaryConfigurationException("invalid IAM path '" + path + "': use / or /a/b/");
            }
            this.path = path;
            return this;
        }

        /** The hardened assume-role policy set: trust policy, inline deny-all, boundary (required). */
        public Builder policies(CanaryPolicySet policies) {
            Objects.requireNonNull(policies, "policies");
            if (policies.kind() != CredentialKind.ASSUMED_ROLE || policies.trustPolicy() == null) {
                throw new CanaryConfigurationException("the canary role needs an assume-role policy set with a trust"
                        + " policy: harden with HardeningRequest.assumedRole(...)");
            }
            this.policies = policies;
            return this;
        }

        /** The role's MaxSessionDuration: the longest session the issuer will ask for (1-12 h, default 1 h). */
        public Builder maxSessionDuration(Duration d) {
            AssumeRoleIssuer.seconds(Objects.requireNonNull(d, "duration"), Duration.ofHours(1), Duration.ofHours(12),
                    "MaxSessionDuration");
            this.maxSessionDuration = d;
            return this;
        }

        /** Tags for a role created now, besides the policy set's principal tags. */
        public Builder tags(Map<String, String> tags) {
            this.tags.clear();
            this.tags.putAll(IamUserIssuer.validateTags(new LinkedHashMap<>(tags)));
            return this;
        }

        /** Whether to fix an existing role that differs (default true) or only report it. */
        public Builder fix(boolean fix) {
            this.fix = fix;
            return this;
        }

        /**
         * The set-up.
         *
         * @throws CanaryConfigurationException if the client, account, role name or policies are missing
         */
        public CanaryRoleSetup build() {
            if (iam == null || accountId == null || roleName == null || policies == null) {
                throw new CanaryConfigurationException("the canary role set-up needs iam, accountId, roleName and"
                        + " policies");
            }
            return new CanaryRoleSetup(this);
        }
    }
}
