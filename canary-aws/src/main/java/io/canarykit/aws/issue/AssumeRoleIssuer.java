package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssueRequest;
import io.canarykit.issue.IssuedCanary;
import io.canarykit.issue.IssuedPrincipal;
import io.canarykit.issue.Revocation;
import io.canarykit.naming.NameRules;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.HardeningRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.Locale;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Issues short-term canaries (up to 12 hours): {@code sts:AssumeRole} on a canary role (set it up with
 * {@link CanaryRoleSetup}), with the namer's RoleSessionName, the policy set's deny-all session policy (it is never
 * called without one), DurationSeconds, optional SourceIdentity and session tags. Provider name {@code assume-role}.
 *
 * <p>Before each session it reads the role back ({@code GetRole}, {@code GetRolePolicy}): a role that is missing, has
 * lost its permissions boundary or its inline deny is refused ({@link CanaryIssuerException.Reason#NOT_APPLIED}) and
 * no session is made.
 *
 * <p>A session cannot be deleted: it expires. Revoking one is recorded by the coordinator and, when
 * {@link Builder#revokeOlderSessions(boolean)} is on, puts AWS's "revoke older sessions" deny on the role
 * ({@value #REVOKE_POLICY_NAME}: deny everything to sessions whose {@code aws:TokenIssueTime} is older than now). That
 * cuts off <em>every</em> earlier session of the role, other canaries' included, which is why it is off by default.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class AssumeRoleIssuer implements CanaryIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(AssumeRoleIssuer.class);
    /** The inline role policy name AWS's console uses for "revoke active sessions". */
    public static final String REVOKE_POLICY_NAME = "AWSRevokeOlderSessions";
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[\\u0021-\\u007E]*/)?([\\w+=,.@-]{1,64})");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Duration ROLE_WAIT_INTERVAL = Duration.ofMillis(250);

    private final StsClient sts;
    private final @Nullable IamClient iam;
    private final String accountId;
    private final String roleArn;
    private final String roleName;
    private final String issuerArn;
    private final Duration defaultDuration;
    private final @Nullable Duration maxSessionDuration;
    private final @Nullable String sourceIdentity;
    private final Map<String, String> sessionTags;
    private final boolean revokeOlderSessions;
    private final Duration roleWait;
    private final boolean verifyRole;
    private final Clock clock;

    private AssumeRoleIssuer(Builder b, String issuerArn) {
        this.sts = Objects.requireNonNull(b.sts, "sts"); // build() checked it
        this.iam = b.iam;
        this.roleArn = Objects.requireNonNull(b.roleArn, "roleArn"); // build() checked it
        var m = ROLE_ARN.matcher(b.roleArn);
        if (!m.matches()) {
            throw new IllegalStateException(b.roleArn);
        }
        this.accountId = m.group(1);
        this.roleName = m.group(2);
        this.issuerArn = issuerArn;
        this.defaultDuration = b.defaultDuration;
        this.maxSessionDuration = b.maxSessionDuration;
        this.sourceIdentity = b.sourceIdentity;
        this.sessionTags = Map.copyOf(b.sessionTags);
        this.revokeOlderSessions = b.revokeOlderSessions;
        this.roleWait = b.roleWait;
        this.verifyRole = b.verifyRole;
        this.clock = b.clock;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CredentialKind kind() {
        return CredentialKind.ASSUMED_ROLE;
    }

    @Override
    public String accountId() {
        return accountId;
    }

    @Override
    public NameRules nameRules() {
        return NameRules.ROLE_SESSION;
    }

    /** The canary role's ARN. */
    public String roleArn() {
        return roleArn;
    }

    @Override
    public HardeningRequest hardeningRequest(String principalName) {
        return HardeningRequest.assumedRole(accountId, principalName, roleArn, issuerArn);
    }

    /** Validates the whole request offline (name, kind, session policy, duration, tags) and returns the session. */
    @Override
    public Principal plannedPrincipal(IssueRequest request) {
        Principal p = Principal.assumedRole(accountId, roleName, nameRules().validate(request.principalName()));
        CanaryPolicySet policies = request.policies();
        if (policies.kind() != CredentialKind.ASSUMED_ROLE) {
            throw new CanaryConfigurationException("an assume-role issuer needs assume-role policies, not "
                    + policies.kind().configName());
        }
        if (policies.sessionPolicy() == null || policies.sessionPolicy().isBlank()) {
            throw new CanaryConfigurationException("refusing to call AssumeRole without a session policy: harden the"
                    + " policies so they carry the deny-all session policy");
        }
        Duration duration = duration(request);
        if (maxSessionDuration != null && duration.compareTo(maxSessionDuration) > 0) {
            throw new CanaryConfigurationException("a " + duration + " session exceeds the role's MaxSessionDuration "
                    + maxSessionDuration + ": ask for less or raise the role's limit (CanaryRoleSetup)");
        }
        sessionTags(request);
        return p;
    }

    private Duration duration(IssueRequest request) {
        Duration d = request.duration() != null ? request.duration() : defaultDuration;
        seconds(d, Duration.ofMinutes(15), CredentialKind.ASSUMED_ROLE.maxDuration().orElseThrow(),
                "AssumeRole DurationSeconds");
        return d;
    }

    private Map<String, String> sessionTags(IssueRequest request) {
        Map<String, String> tags = new LinkedHashMap<>(request.policies().principalTags());
        tags.putAll(sessionTags);
        tags.putAll(request.tags());
        return IamUserIssuer.validateTags(tags);
    }

    @Override
    public IssuedCanary issue(IssueRequest request) {
        Objects.requireNonNull(request, "request");
        Principal planned = plannedPrincipal(request);
        CanaryPolicySet policies = request.policies();
        int seconds = (int) duration(request).toSeconds();
        Map<String, String> tags = sessionTags(request);
        AssumeRoleRequest.Builder b = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .roleSessionName(planned.name())
                .policy(policies.sessionPolicy())
                .durationSeconds(seconds);
        if (!tags.isEmpty()) {
            b.tags(tags.entrySet().stream().map(e -> Tag.builder()
                    .key(e.getKey()).value(e.getValue()).build()).toList());
        }
        if (sourceIdentity != null) {
            b.sourceIdentity(sourceIdentity);
        }
        AssumeRoleRequest assume = b.build();
        if (verifyRole) {
            verifyRole(policies);
        }
        AssumeRoleResponse r;
        long deadline = System.nanoTime() + roleWait.toNanos();
        while (true) {
            try {
                r = sts.assumeRole(assume);
                break;
            } catch (SdkException e) {
                // a new role is refused for a while (IAM is eventually consistent); a refusal never took effect
                if (AwsErrors.is(e, "AccessDenied") && System.nanoTime() + ROLE_WAIT_INTERVAL.toNanos() < deadline) {
                    LOG.debug("AssumeRole {} refused; the role may not have propagated yet, retrying", roleArn);
                    pause();
                    continue;
                }
                // a session that was created but never seen leaves nothing to delete
                throw AwsErrors.issueFailure("AssumeRole " + roleArn + " as " + planned.name(), e, false,
                        CanaryIssuerException.Residue.NONE);
            }
        }
        if (r.packedPolicySize() == null) {
            // AWS reports the packed size of every session policy it applied: none means the deny-all was dropped
            throw ReadBack.notApplied("session " + planned.name() + " of " + roleArn, List.of("AssumeRole answered"
                    + " without PackedPolicySize, so the deny-all session policy was not applied; the session expires"
                    + " on its own and was never handed out"));
        }
        Credentials c = r.credentials();
        Instant now = clock.instant();
        CanaryCredential credential = new CanaryCredential(c.accessKeyId(), Secret.of(c.secretAccessKey()),
                Secret.of(c.sessionToken()), c.expiration());
        Principal principal = new Principal(accountId, r.assumedRoleUser().arn(), planned.name(), null);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("sts.roleArn", roleArn);
        attributes.put("sts.assumedRoleId", r.assumedRoleUser().assumedRoleId());
        if (sourceIdentity != null) {
            attributes.put("sts.sourceIdentity", sourceIdentity);
        }
        LOG.debug("assumed {} as {} until {}", roleArn, planned.name(), c.expiration());
        Instant issuedAt = c.expiration() != null && c.expiration().minusSeconds(seconds).isBefore(now)
                ? c.expiration().minusSeconds(seconds) : now;
        return new IssuedCanary(credential, principal, issuedAt, c.expiration(), List.of(), attributes);
    }

    /**
     * Reads the canary role back before any session is made: it must exist ({@code GetRole}), carry the policy set's
     * permissions boundary, and hold the inline deny ({@code GetRolePolicy}) as the hardener wrote it.
     *
     * @throws CanaryIssuerException ({@code NOT_APPLIED}) naming what the role lacks; no session was made
     */
    /** The IAM client: build() requires one when the role is verified or older sessions are revoked. */
    private IamClient iam() {
        return Objects.requireNonNull(iam, "iam");
    }

    private void verifyRole(CanaryPolicySet policies) {
        List<String> problems = new ArrayList<>();
        Role role;
        try {
            role = ReadBack.read(() -> iam().getRole(g -> g.roleName(roleName)).role());
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                throw new CanaryIssuerException("the canary role " + roleArn + " does not exist (GetRole: "
                        + AwsErrors.describe(e) + "): create it with CanaryRoleSetup (canary role setup)",
                        CanaryIssuerException.Reason.NOT_APPLIED, CanaryIssuerException.Residue.NONE, "NoSuchEntity", e);
            }
            throw AwsErrors.issueFailure("GetRole " + roleName + " (reading the canary role back)", e, false,
                    CanaryIssuerException.Residue.NONE);
        }
        String boundary = policies.boundaryArn();
        if (boundary != null) {
            String shown = role.permissionsBoundary() == null ? null : role.permissionsBoundary().permissionsBoundaryArn();
            if (!boundary.equals(shown)) {
                problems.add("GetRole shows " + (shown == null ? "no permissions boundary" : "permissions boundary "
                        + shown) + ", not " + boundary);
            }
        }
        String document;
        try {
            document = ReadBack.read(() -> iam().getRolePolicy(g -> g.roleName(roleName)
                    .policyName(policies.inlinePolicyName())).policyDocument());
        } catch (SdkException e) {
            if (!AwsErrors.is(e, "NoSuchEntity")) {
                throw AwsErrors.issueFailure("GetRolePolicy " + policies.inlinePolicyName() + " on " + roleName
                        + " (reading the canary role back)", e, false, CanaryIssuerException.Residue.NONE);
            }
            document = null;
        }
        if (!ReadBack.samePolicy(policies.inlinePolicy(), document)) {
            problems.add("GetRolePolicy " + (document == null ? "finds no inline policy " + policies.inlinePolicyName()
                    : "shows the inline policy " + policies.inlinePolicyName() + " differing from the deny-all"));
        }
        if (!problems.isEmpty()) {
            throw new CanaryIssuerException("the canary role " + roleArn + " is not hardened as asked: "
                    + String.join("; ", problems) + ". Run CanaryRoleSetup (canary role setup) again; no session was"
                    + " made", CanaryIssuerException.Reason.NOT_APPLIED, CanaryIssuerException.Residue.NONE, null, null);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ROLE_WAIT_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryIssuerException("interrupted while waiting for the canary role",
                    CanaryIssuerException.Reason.UNAVAILABLE, CanaryIssuerException.Residue.NONE, null, e);
        }
    }

    /**
     * Nothing to delete: a session expires on its own. With {@link Builder#revokeOlderSessions(boolean)} on, a live
     * canary's revocation denies every session of the role issued before now.
     */
    @Override
    public Revocation revoke(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        Instant now = clock.instant();
        boolean live = record.status() != CanaryStatus.PENDING && record.accessKeyId() != null
                && (record.expiresAt() == null || record.expiresAt().isAfter(now));
        if (!revokeOlderSessions || !live) {
            return Revocation.nothingFound(true);
        }
        if (iam == null) {
            throw new CanaryConfigurationException("revoking older sessions needs an IAM client: call iam(IamClient)");
        }
        Instant cutoff = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        if (record.issuedAt() != null && !cutoff.isAfter(record.issuedAt())) {
            cutoff = record.issuedAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        }
        String document = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],"
                + "\"Resource\":[\"*\"],\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + cutoff + "\"}}}]}";
        try {
            iam().putRolePolicy(p -> p.roleName(roleName).policyName(REVOKE_POLICY_NAME).policyDocument(document));
        } catch (SdkException e) {
            throw AwsErrors.revokeFailure("PutRolePolicy " + REVOKE_POLICY_NAME, "role " + roleName, e);
        }
        LOG.debug("denied sessions of {} issued before {} (canary {})", roleArn, cutoff, record.id());
        return Revocation.removed(List.of("sessions of role " + roleName + " issued before " + cutoff));
    }

    /** Sessions cannot be listed: always empty. */
    @Override
    public List<IssuedPrincipal> listIssued() {
        return List.of();
    }

    static int seconds(Duration d, Duration min, Duration max, String what) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new CanaryConfigurationException(what + " must be " + min.toMinutes() + " minutes to " + max.toHours()
                    + " hours, was " + d);
        }
        return (int) d.toSeconds();
    }

    @Override
    public String toString() {
        return "AssumeRoleIssuer[" + roleArn + "]";
    }

    /**
     * Builder for {@link AssumeRoleIssuer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable StsClient sts;
        private @Nullable IamClient iam;
        private @Nullable String roleArn;
        private @Nullable String issuerArn;
        private Duration defaultDuration = Duration.ofHours(1);
        private @Nullable Duration maxSessionDuration;
        private @Nullable String sourceIdentity;
        private final Map<String, String> sessionTags = new LinkedHashMap<>();
        private boolean revokeOlderSessions;
        private Duration roleWait = Duration.ZERO;
        private boolean verifyRole = true;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Whether every issuance first reads the canary role back ({@code GetRole}, {@code GetRolePolicy}: it exists,
         * carries the boundary and the inline deny) and refuses to make a session otherwise. On by default; needs
         * {@link #iam(IamClient)}. Turn it off only when another check guarantees the role.
         */
        public Builder verifyRole(boolean on) {
            this.verifyRole = on;
            return this;
        }

        /** The STS client of the issuer (required): the principal the canary role's trust policy names. */
        public Builder sts(StsClient sts) {
            this.sts = Objects.requireNonNull(sts, "sts");
            return this;
        }

        /**
         * The IAM client of the role's account (required unless {@link #verifyRole(boolean) verifyRole(false)}): reads
         * the role back before each issuance, and puts the deny of {@link #revokeOlderSessions(boolean)}.
         */
        public Builder iam(IamClient iam) {
            this.iam = Objects.requireNonNull(iam, "iam");
            return this;
        }

        /** The canary role (required); its account is the issuing account. */
        public Builder roleArn(String roleArn) {
            if (roleArn == null || !ROLE_ARN.matcher(roleArn).matches()) {
                throw new CanaryConfigurationException("invalid role ARN '" + roleArn
                        + "': expected arn:aws:iam::111122223333:role/name");
            }
            this.roleArn = roleArn;
            return this;
        }

        /**
         * The issuer's own principal ARN, which the role's trust policy must name; when not set, {@link #build()}
         * asks STS (an assumed-role caller becomes its role's ARN without path).
         */
        public Builder issuerArn(String issuerArn) {
            if (issuerArn == null || !issuerArn.startsWith("arn:")) {
                throw new CanaryConfigurationException("invalid issuer ARN '" + issuerArn + "'");
            }
            this.issuerArn = issuerArn;
            return this;
        }

        /** The session lifetime when a request asks for none (default 1 hour; 15 minutes to 12 hours). */
        public Builder defaultDuration(Duration d) {
            seconds(Objects.requireNonNull(d, "duration"), Duration.ofMinutes(15), Duration.ofHours(12),
                    "the default session duration");
            this.defaultDuration = d;
            return this;
        }

        /** The role's MaxSessionDuration, so longer requests are refused before calling AWS; unchecked when unset. */
        public Builder maxSessionDuration(Duration d) {
            seconds(Objects.requireNonNull(d, "duration"), Duration.ofHours(1), Duration.ofHours(12),
                    "MaxSessionDuration");
            this.maxSessionDuration = d;
            return this;
        }

        /**
         * A SourceIdentity to set on every session (2-64 of {@code [A-Za-z0-9+=,.@_-]}, not starting with aws:). AWS
         * then also requires {@code sts:SetSourceIdentity} in the issuer's policy and in the role's trust policy.
         */
        public Builder sourceIdentity(String sourceIdentity) {
            if (sourceIdentity == null || !SOURCE_IDENTITY.matcher(sourceIdentity).matches()
                    || sourceIdentity.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new CanaryConfigurationException("invalid SourceIdentity '" + sourceIdentity
                        + "': use 2-64 letters, digits or + = , . @ _ -, not starting with aws:");
            }
            this.sourceIdentity = sourceIdentity;
            return this;
        }

        /** Session tags every session gets besides the policy set's principal tags. */
        public Builder sessionTags(Map<String, String> tags) {
            this.sessionTags.clear();
            this.sessionTags.putAll(IamUserIssuer.validateTags(new LinkedHashMap<>(tags)));
            return this;
        }

        /** Whether revoking a live canary puts the "revoke older sessions" deny on the role (default off). */
        public Builder revokeOlderSessions(boolean on) {
            this.revokeOlderSessions = on;
            return this;
        }

        /**
         * How long to keep retrying while AWS refuses {@code AssumeRole} with {@code AccessDenied} (a role created
         * moments ago is refused until it has propagated; a refusal never took effect). Default: no wait.
         */
        public Builder waitForRole(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new CanaryConfigurationException("the role wait must not be negative, was " + wait);
            }
            this.roleWait = wait;
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the issuer.
         *
         * @throws CanaryConfigurationException if the STS client or the role ARN is missing
         */
        public AssumeRoleIssuer build() {
            if (sts == null || roleArn == null) {
                throw new CanaryConfigurationException("an assume-role issuer needs an STS client and the canary role's"
                        + " ARN: call sts(StsClient) and roleArn(...)");
            }
            if (revokeOlderSessions && iam == null) {
                throw new CanaryConfigurationException("revoking older sessions needs an IAM client: call iam(IamClient)");
            }
            if (verifyRole && iam == null) {
                throw new CanaryConfigurationException("reading the canary role back before each issuance needs an IAM"
                        + " client of the role's account: call iam(IamClient) (or verifyRole(false))");
            }
            return new AssumeRoleIssuer(this, issuerArn != null ? issuerArn : callerArn(sts));
        }

        private static String callerArn(StsClient sts) {
            String arn = Accounts.caller(sts, "assume-role").arn();
            var m = Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/.*").matcher(arn);
            return m.matches() ? "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3) : arn;
        }
    }
}
