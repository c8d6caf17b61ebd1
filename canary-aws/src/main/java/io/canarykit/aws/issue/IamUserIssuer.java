package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.SelfUse;
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
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Issues long-term canaries: one IAM user per canary, with an access key. Provider name {@code iam-user}.
 *
 * <p>Issue: {@code CreateUser} (the namer's name, the configured path, the policy set's permissions boundary, its
 * principal tags and an ownership tag carrying the canary id, all in the one call that creates the user), then
 * {@code PutUserPolicy} (the inline deny-all); then it reads back what AWS holds ({@code GetUser}: the boundary;
 * {@code ListUserTags}: every tag; {@code GetUserPolicy}: the inline deny), sets once more whatever AWS dropped
 * ({@code PutUserPermissionsBoundary}, {@code TagUser}, {@code PutUserPolicy}) and refuses the canary
 * ({@link CanaryIssuerException.Reason#NOT_APPLIED}, naming what AWS does not show) unless AWS shows everything; then
 * {@code CreateAccessKey}; optionally it waits until the key authenticates ({@code sts:GetCallerIdentity} with the new
 * key, recorded as a {@link SelfUse}). A failure after the user exists removes the user at once.
 *
 * <p>Revoke: only a user whose ownership tag names the record's canary is touched. Its keys are deactivated, then
 * deleted, together with everything an attacker might have added (login profile, MFA devices, SSH keys, signing
 * certificates, service-specific credentials, group memberships, attached and inline policies), then the user.
 *
 * <p>Build with {@link #builder()}; use through {@link io.canarykit.issue.AtomicIssuance}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class IamUserIssuer implements CanaryIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(IamUserIssuer.class);
    /** The default ownership tag key. */
    public static final String DEFAULT_OWNERSHIP_TAG = "ref";
    static final Pattern PATH = Pattern.compile("/|/[\\u0021-\\u007E]+/");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private final IamClient iam;
    private final String accountId;
    private final String path;
    private final String ownershipTagKey;
    private final Map<String, String> tags;
    private final Clock clock;
    private final @Nullable KeyProbe probe;
    private final IamUserRemover remover;
    private final BoundaryPolicies boundaries;

    private IamUserIssuer(Builder b, String accountId) {
        this.iam = Objects.requireNonNull(b.iam, "iam"); // build() checked it
        this.accountId = accountId;
        this.path = b.path;
        this.ownershipTagKey = b.ownershipTagKey;
        this.tags = Map.copyOf(b.tags);
        this.clock = b.clock;
        this.probe = b.keyWait == null ? null
                : new KeyProbe(Objects.requireNonNull(b.sts, "sts"), b.keyWait, b.keyWaitInterval, b.clock);
        this.remover = new IamUserRemover(iam, ownershipTagKey, b.retryPause);
        this.boundaries = new BoundaryPolicies(iam, accountId);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CredentialKind kind() {
        return CredentialKind.IAM_USER;
    }

    @Override
    public String accountId() {
        return accountId;
    }

    @Override
    public NameRules nameRules() {
        return NameRules.IAM_USER;
    }

    /** The IAM path users are created under. */
    public String path() {
        return path;
    }

    /** The tag key whose value names the canary a user was created for. */
    public String ownershipTagKey() {
        return ownershipTagKey;
    }

    @Override
    public HardeningRequest hardeningRequest(String principalName) {
        return HardeningRequest.iamUser(accountId, principalName, path);
    }

    /** Validates the whole request offline (name, kind, tags, boundary account) and returns the user to be made. */
    @Override
    public Principal plannedPrincipal(IssueRequest request) {
        Principal p = Principal.iamUser(accountId, path, nameRules().validate(request.principalName()));
        if (request.policies().kind() != CredentialKind.IAM_USER) {
            throw new CanaryConfigurationException("an iam-user issuer needs iam-user policies, not "
                    + request.policies().kind().configName());
        }
        tags(request);
        boundaries.validate(request.policies());
        return p;
    }

    @Override
    public IssuedCanary issue(IssueRequest request) {
        Objects.requireNonNull(request, "request");
        CanaryPolicySet policies = request.policies();
        Principal planned = plannedPrincipal(request);
        String name = planned.name();
        List<Tag> iamTags = tags(request);
        try {
            boundaries.ensure(policies);
        } catch (CanaryException e) {
            String why = e.getMessage();
            throw new CanaryIssuerException(why != null ? why : e.getClass().getSimpleName(),
                    CanaryIssuerException.Reason.REFUSED,
                    CanaryIssuerException.Residue.NONE, null, e);
        }

        User user;
        boolean created = false;
        try {
            user = iam.createUser(b -> b.userName(name).path(path).permissionsBoundary(policies.boundaryArn())
                    .tags(iamTags)).user();
            created = true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "EntityAlreadyExists")) {
                // the name is taken, or the SDK retried a CreateUser that had taken effect: the ownership tag tells
                user = ownUser(name, request.canaryId(), e);
            } else if (AwsErrors.definitelyNotApplied(e)) {
                throw AwsErrors.issueFailure("CreateUser " + name, e, true, CanaryIssuerException.Residue.NONE);
            } else {
                // a 5xx or a lost connection: the user may exist; remove it if it does
                throw undo(AwsErrors.issueFailure("CreateUser " + name, e, true, CanaryIssuerException.Residue.UNKNOWN),
                        name, request.canaryId(), false, null);
            }
        }
        LOG.debug("created user {} for canary {}", user.arn(), request.canaryId());

        String operation = "PutUserPolicy " + policies.inlinePolicyName() + " on " + name;
        String keyId = null;
        try {
            iam.putUserPolicy(b -> b.userName(name).policyName(policies.inlinePolicyName())
                    .policyDocument(policies.inlinePolicy()));
            operation = "reading back user " + name;
            verify(name, policies, iamTags);
            operation = "CreateAccessKey for " + name;
            AccessKey key = iam.createAccessKey(b -> b.userName(name)
                    .overrideConfiguration(o -> o.addPlugin(ThrottlingOnlyRetries.INSTANCE))).accessKey();
            keyId = key.accessKeyId();
            CanaryCredential credential = CanaryCredential.longTerm(key.accessKeyId(), Secret.of(key.secretAccessKey()));
            Principal principal = new Principal(accountId, user.arn(), name, user.path());
            List<SelfUse> selfUses = List.of();
            if (probe != null) {
                operation = "waiting for key " + key.accessKeyId();
                selfUses = List.of(probe.await(credential, principal));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("iam.userId", user.userId());
            attributes.put("iam.path", user.path());
            if (policies.boundaryArn() != null) {
                attributes.put("iam.permissionsBoundary", policies.boundaryArn());
            }
            return new IssuedCanary(credential, principal, key.createDate() != null ? key.createDate() : clock.instant(),
                    null, selfUses, attributes);
        } catch (SdkException e) {
            throw undo(AwsErrors.issueFailure(operation, e, false, CanaryIssuerException.Residue.UNKNOWN), name,
                    request.canaryId(), created, keyId);
        } catch (CanaryIssuerException e) {
            throw undo(e, name, request.canaryId(), created, keyId);
        } catch (RuntimeException e) {
            throw undo(new CanaryIssuerException(operation + " failed: " + e, CanaryIssuerException.Reason.UNAVAILABLE,
                    CanaryIssuerException.Residue.UNKNOWN, null, e), name, request.canaryId(), created, keyId);
        }
    }

    /**
     * Reads back what AWS holds for the new user (GetUser: the permissions boundary; ListUserTags: every tag, the
     * ownership tag included; GetUserPolicy: the inline deny) and compares it with what was asked. A missing boundary
     * or tag is set once more ({@code PutUserPermissionsBoundary}, {@code TagUser}, {@code PutUserPolicy}: some AWS
     * implementations ignore them on {@code CreateUser}) and read back again.
     *
     * @throws CanaryIssuerException ({@code NOT_APPLIED}) naming what AWS still does not show
     */
    private void verify(String name, CanaryPolicySet policies, List<Tag> asked) {
        Map<String, String> wanted = new LinkedHashMap<>();
        asked.forEach(t -> wanted.put(t.key(), t.value()));
        Shown shown = shown(name, policies);
        List<String> problems = shown.differences(policies, wanted);
        if (problems.isEmpty()) {
            return;
        }
        LOG.debug("user {}: AWS does not show what was asked ({}); setting it again", name, problems);
        String boundary = policies.boundaryArn();
        if (boundary != null && !boundary.equals(shown.boundary())) {
            iam.putUserPermissionsBoundary(b -> b.userName(name).permissionsBoundary(boundary));
        }
        if (!ReadBack.missingTags(wanted, shown.tags()).isEmpty()) {
            iam.tagUser(b -> b.userName(name).tags(asked));
        }
        if (!ReadBack.samePolicy(policies.inlinePolicy(), shown.inlinePolicy())) {
            iam.putUserPolicy(b -> b.userName(name).policyName(policies.inlinePolicyName())
                    .policyDocument(policies.inlinePolicy()));
        }
        problems = shown(name, policies).differences(policies, wanted);
        if (!problems.isEmpty()) {
            throw ReadBack.notApplied("user " + name, problems);
        }
    }

    /** What AWS shows of a user: its boundary, its tags and the inline policy's document (each may be missing). */
    private record Shown(@Nullable String boundary, Map<String, String> tags, @Nullable String inlinePolicy) {
        List<String> differences(CanaryPolicySet policies, Map<String, String> wanted) {
            List<String> problems = new ArrayList<>();
            String asked = policies.boundaryArn();
            if (asked != null && !asked.equals(boundary)) {
                problems.add("GetUser shows " + (boundary == null ? "no permissions boundary" : "permissions boundary "
                        + boundary) + ", not " + asked);
            }
            List<String> missing = ReadBack.missingTags(wanted, tags);
            if (!missing.isEmpty()) {
                problems.add("ListUserTags lacks " + missing);
            }
            if (!ReadBack.samePolicy(policies.inlinePolicy(), inlinePolicy)) {
                problems.add("GetUserPolicy does not show the inline policy " + policies.inlinePolicyName()
                        + " as it was put");
            }
            return problems;
        }
    }

    private Shown shown(String name, CanaryPolicySet policies) {
        return new Shown(boundaryOf(name), tagsOf(name), inlinePolicyOf(name, policies.inlinePolicyName()));
    }

    private @Nullable String boundaryOf(String name) {
        User u = ReadBack.read(() -> iam.getUser(b -> b.userName(name)).user());
        return u.permissionsBoundary() == null ? null : u.permissionsBoundary().permissionsBoundaryArn();
    }

    private Map<String, String> tagsOf(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        ReadBack.read(() -> iam.listUserTagsPaginator(b -> b.userName(name)).tags().stream().toList())
                .forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    private @Nullable String inlinePolicyOf(String name, String policyName) {
        try {
            return ReadBack.read(() -> iam.getUserPolicy(b -> b.userName(name).policyName(policyName))
                    .policyDocument());
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return null;
            }
            throw e;
        }
    }

    /** The existing user {@code name} if it carries this canary's ownership tag; else the name is taken. */
    private User ownUser(String name, CanaryId owner, SdkException alreadyExists) {
        User existing;
        try {
            existing = iam.getUser(b -> b.userName(name)).user();
        } catch (SdkException e) {
            if (AwsErrors.is(e, "AccessDenied")) {
                // the least-privilege issuer policy lets it read only users carrying the management tag, which every
                // user it creates gets in the CreateUser call itself: a user it may not read is not one it created
                throw AwsErrors.issueFailure("CreateUser " + name, alreadyExists, true,
                        CanaryIssuerException.Residue.NONE);
            }
            CanaryIssuerException f = AwsErrors.issueFailure("CreateUser " + name, alreadyExists, true,
                    CanaryIssuerException.Residue.UNKNOWN);
            f.addSuppressed(e);
            throw f;
        }
        for (Tag t : existing.tags()) {
            if (t.key().equalsIgnoreCase(ownershipTagKey) && owner.value().equals(t.value())) {
                LOG.debug("user {} exists already and is canary {}'s: a retried CreateUser had taken effect", name, owner);
                return existing;
            }
        }
        throw AwsErrors.issueFailure("CreateUser " + name, alreadyExists, true, CanaryIssuerException.Residue.NONE);
    }

    /**
     * Removes the user this call created; says whether anything may remain. {@code created}: {@code CreateUser}
     * answered with success in this call, so the user is ours even if AWS dropped its ownership tag.
     */
    private CanaryIssuerException undo(CanaryIssuerException failure, String name, CanaryId owner, boolean created,
                                       @Nullable String keyId) {
        try {
            Revocation r = created ? remover.removeCreated(name, owner, keyId) : remover.remove(name, owner, keyId);
            if (r.found()) {
                LOG.debug("undid canary {}: removed {}", owner, r.removed());
                return failure.withResidue(CanaryIssuerException.Residue.NONE);
            }
            return failure.withResidue(CanaryIssuerException.Residue.UNKNOWN);
        } catch (RuntimeException undoFailure) {
            CanaryIssuerException f = failure.withResidue(CanaryIssuerException.Residue.UNKNOWN);
            f.addSuppressed(undoFailure);
            return f;
        }
    }

    @Override
    public Revocation revoke(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.kind() != CredentialKind.IAM_USER || !record.accountId().equals(accountId)) {
            throw new CanaryConfigurationException("canary " + record.id() + " is a " + record.kind().configName()
                    + " canary in " + record.accountId() + "; this iam-user issuer works in " + accountId);
        }
        return remover.remove(record.principal().name(), record.id(), record.accessKeyId());
    }

    /**
     * Users under the issuer's path that carry the ownership tag, with their keys. Costs two calls per user besides
     * the listing: run it for reconciliation, not on every issue.
     */
    @Override
    public List<IssuedPrincipal> listIssued() {
        List<IssuedPrincipal> out = new ArrayList<>();
        try {
            for (User u : iam.listUsersPaginator(b -> b.pathPrefix(path)).users()) {
                String owner = null;
                try {
                    for (Tag t : iam.listUserTagsPaginator(b -> b.userName(u.userName())).tags()) {
                        if (t.key().equalsIgnoreCase(ownershipTagKey)) {
                            owner = t.value();
                        }
                    }
                    if (owner == null) {
                        continue;
                    }
                    List<String> keys = new ArrayList<>();
                    for (AccessKeyMetadata k : iam.listAccessKeysPaginator(b -> b.userName(u.userName()))
                            .accessKeyMetadata()) {
                        keys.add(k.accessKeyId());
                    }
                    CanaryId id = null;
                    try {
                        id = CanaryId.parse(owner);
                    } catch (CanaryConfigurationException notAnId) {
                        LOG.debug("user {} has a {} tag that is not a canary id", u.userName(), ownershipTagKey);
                    }
                    out.add(new IssuedPrincipal(new Principal(accountId, u.arn(), u.userName(), u.path()),
                            u.createDate(), keys, id));
                } catch (SdkException e) {
                    // gone meanwhile, or (least privilege) not carrying the management tag: not the issuer's
                    if (!AwsErrors.is(e, "NoSuchEntity") && !AwsErrors.is(e, "AccessDenied")) {
                        throw e;
                    }
                }
            }
        } catch (SdkException e) {
            throw new CanaryException("listing users under " + path + " in " + accountId + " failed: "
                    + AwsErrors.describe(e), e);
        }
        return out;
    }

    private List<Tag> tags(IssueRequest request) {
        Map<String, String> merged = new LinkedHashMap<>(request.policies().principalTags());
        merged.putAll(tags);
        merged.putAll(request.tags());
        for (String k : merged.keySet()) {
            if (k.equalsIgnoreCase(ownershipTagKey)) {
                throw new CanaryConfigurationException("tag " + k + " is the ownership tag, which the issuer sets to the"
                        + " canary id: remove it from the request or choose another ownership tag key");
            }
        }
        merged.put(ownershipTagKey, request.canaryId().value());
        return validateTags(merged).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** Checks IAM's tag rules; returns the tags. */
    static Map<String, String> validateTags(Map<String, String> tags) {
        if (tags.size() > 50) {
            throw new CanaryConfigurationException(tags.size() + " tags for one principal; AWS allows 50");
        }
        Set<String> lower = new HashSet<>();
        for (Map.Entry<String, String> e : tags.entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue();
            if (k.isEmpty() || k.length() > 128 || !TAG.matcher(k).matches()
                    || k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new CanaryConfigurationException("invalid tag key '" + k + "': use 1-128 letters, digits, spaces"
                        + " or _ . : / = + - @, not starting with aws:");
            }
            if (v.length() > 256 || !TAG.matcher(v).matches()) {
                throw new CanaryConfigurationException("invalid value for tag " + k + ": use 0-256 letters, digits,"
                        + " spaces or _ . : / = + - @");
            }
            if (!lower.add(k.toLowerCase(Locale.ROOT))) {
                throw new CanaryConfigurationException("tag key " + k + " appears twice (AWS compares tag keys"
                        + " ignoring case)");
            }
        }
        return tags;
    }

    @Override
    public String toString() {
        return "IamUserIssuer[account=" + accountId + ", path=" + path + "]";
    }

    /**
     * Builder for {@link IamUserIssuer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable IamClient iam;
        private @Nullable StsClient sts;
        private @Nullable String accountId;
        private String path = "/";
        private String ownershipTagKey = DEFAULT_OWNERSHIP_TAG;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private @Nullable Duration keyWait;
        private Duration keyWaitInterval = Duration.ofMillis(500);
        private Duration retryPause = Duration.ofMillis(25);

        private Builder() {
        }

        /**
         * The pause before trying a failed revocation step again (a listing or delete answered with a 5xx, an answer
         * without an AWS error, {@code NotImplemented}, throttling or a broken connection); it grows with each attempt
         * (three in all). Default 25 ms, on top of the SDK's own retries.
         */
        public Builder retryPause(Duration pause) {
            Objects.requireNonNull(pause, "pause");
            if (pause.isNegative()) {
                throw new CanaryConfigurationException("the retry pause must not be negative, was " + pause);
            }
            this.retryPause = pause;
            return this;
        }

        /** The IAM client of the issuing account (required); use the adaptive retry strategy. */
        public Builder iam(IamClient iam) {
            this.iam = Objects.requireNonNull(iam, "iam");
            return this;
        }

        /** The STS client: needed for {@link #waitForKey} and to look up the account id when it is not set. */
        public Builder sts(StsClient sts) {
            this.sts = Objects.requireNonNull(sts, "sts");
            return this;
        }

        /** The issuing account (12 digits); when not set, {@link #build()} asks STS {@code GetCallerIdentity}. */
        public Builder accountId(String accountId) {
            this.accountId = Principal.requireAccount(accountId);
            return this;
        }

        /** The IAM path for canary users ({@code /} or {@code /a/b/}); default {@code /}. Avoid tell-tale words. */
        public Builder path(String path) {
            if (path == null || path.length() > 512 || !PATH.matcher(path).matches()) {
                throw new CanaryConfigurationException("invalid IAM path '" + path + "': use / or /a/b/ (1-512"
                        + " printable ASCII characters, starting and ending with /)");
            }
            this.path = path;
            return this;
        }

        /**
         * The tag key whose value is the canary id (default {@value #DEFAULT_OWNERSHIP_TAG}). Set in the same call that
         * creates the user, it is how revocation and recovery prove a user is the canary's before deleting it.
         */
        public Builder ownershipTagKey(String key) {
            validateTags(Map.of(Objects.requireNonNull(key, "key"), ""));
            this.ownershipTagKey = key;
            return this;
        }

        /** Tags every canary user gets besides the policy set's principal tags. */
        public Builder tags(Map<String, String> tags) {
            this.tags.clear();
            this.tags.putAll(validateTags(new LinkedHashMap<>(tags)));
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Waits up to {@code timeout} after issuing until the new key authenticates ({@code GetCallerIdentity} with
         * it, recorded with the canary as the library's own use). Off by default. Needs {@link #sts}.
         */
        public Builder waitForKey(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new CanaryConfigurationException("the key wait must be positive, was " + timeout);
            }
            this.keyWait = timeout;
            return this;
        }

        /** The pause between attempts while waiting for a key (default 500 ms). */
        public Builder waitInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new CanaryConfigurationException("the key wait interval must be positive, was " + interval);
            }
            this.keyWaitInterval = interval;
            return this;
        }

        /**
         * Builds the issuer.
         *
         * @throws CanaryConfigurationException if the IAM client is missing, or STS is needed and missing
         * @throws CanaryException              if looking up the account id failed
         */
        public IamUserIssuer build() {
            if (iam == null) {
                throw new CanaryConfigurationException("an iam-user issuer needs an IAM client: call iam(IamClient)");
            }
            if (keyWait != null && sts == null) {
                throw new CanaryConfigurationException("waiting for new keys needs an STS client: call sts(StsClient)");
            }
            return new IamUserIssuer(this, accountId != null ? accountId : Accounts.callerAccount(sts, "iam-user"));
        }
    }
}
