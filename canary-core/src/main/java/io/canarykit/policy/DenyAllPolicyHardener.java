package io.canarykit.policy;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.Collections;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code deny-all} hardener: an explicit {@code Deny * on *} everywhere a policy can go.
 *
 * <ul>
 *   <li>inline policy: {@code Deny * on *};</li>
 *   <li>permissions boundary: a {@code Deny * on *} managed policy to create, or the ARN of one the user already
 *       has;</li>
 *   <li>session policy ({@code assume-role}, {@code federation-token}): {@code Deny * on *};</li>
 *   <li>trust policy ({@code assume-role}): only the issuer may call {@code sts:AssumeRole} (and tag the
 *       session);</li>
 *   <li>SCP statement: {@code Deny * on *} for principals whose {@code aws:PrincipalArn} matches the canary's ARN (or
 *       configured patterns), or which carry a principal tag;</li>
 *   <li>principal tags: by default {@code managed-by=iam-automation}, which the issuer's own least-privilege policy
 *       ({@link IssuerPolicies}) requires on every principal it manages.</li>
 * </ul>
 *
 * <p>Every document is checked against AWS's size limits (inline user policies 2,048 non-whitespace characters in
 * total, role inline 10,240, managed 6,144, session 2,048, trust 2,048, SCP 5,120).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class DenyAllPolicyHardener implements PolicyHardener {
    private static final Logger LOG = LoggerFactory.getLogger(DenyAllPolicyHardener.class);
    private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9+=,.@_-]{1,128}");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    /** The inline policy name used when none is configured. */
    public static final String DEFAULT_INLINE_POLICY_NAME = "baseline";
    /** The boundary policy name used when no boundary ARN or name is configured. */
    public static final String DEFAULT_BOUNDARY_POLICY_NAME = "baseline-boundary";
    /** The tag key every principal gets by default. */
    public static final String DEFAULT_TAG_KEY = "managed-by";
    /** The tag value every principal gets by default. */
    public static final String DEFAULT_TAG_VALUE = "iam-automation";

    /** User inline policies: 2,048 non-whitespace characters in total. */
    public static final int USER_INLINE_LIMIT = 2048;
    /** Role inline policies: 10,240 non-whitespace characters in total. */
    public static final int ROLE_INLINE_LIMIT = 10240;
    /** Managed policies: 6,144 non-whitespace characters. */
    public static final int MANAGED_POLICY_LIMIT = 6144;
    /** Session policies: 2,048 characters of plaintext. */
    public static final int SESSION_POLICY_LIMIT = 2048;
    /** Role trust policies: 2,048 characters by default (raisable to 4,096). */
    public static final int TRUST_POLICY_LIMIT = 2048;
    /** SCPs: 5,120 characters. */
    public static final int SCP_LIMIT = 5120;

    /**
     * How the SCP statement picks the canary principals.
     *
     * @since 0.1.0
     */
    public enum ScpMode {
        /** By {@code aws:PrincipalArn} (the canary's ARN, or configured patterns). */
        ARN,
        /** By a principal tag. */
        TAG,
        /** No SCP statement. */
        NONE
    }

    private static final PolicyDocument DENY_ALL = PolicyDocument.of(
            Statement.builder().sid("DenyAll").deny().actions("*").resources("*").build());

    private final String partition;
    private final String inlinePolicyName;
    private final @Nullable String boundaryArn;
    private final String boundaryPolicyName;
    private final ScpMode scpMode;
    private final List<String> scpArnPatterns;
    private final Map<String, String> principalTags;
    private final @Nullable String scpTagKey;
    private final @Nullable String scpTagValue;

    private DenyAllPolicyHardener(Builder b) {
        this.partition = b.partition;
        this.inlinePolicyName = b.inlinePolicyName;
        this.boundaryArn = b.boundaryArn;
        this.boundaryPolicyName = b.boundaryPolicyName;
        this.scpMode = b.scpMode;
        this.scpArnPatterns = List.copyOf(b.scpArnPatterns);
        this.principalTags = Collections.unmodifiableMap(new LinkedHashMap<>(b.principalTags));
        Map.Entry<String, String> first = principalTags.entrySet().stream().findFirst().orElse(null);
        this.scpTagKey = b.scpTagKey != null ? b.scpTagKey : first == null ? null : first.getKey();
        this.scpTagValue = b.scpTagKey != null ? b.scpTagValue : first == null ? null : first.getValue();
        if (scpMode == ScpMode.TAG && scpTagKey == null) {
            throw new CanaryConfigurationException("an SCP statement by principal tag needs a tag: set scpTag(key, value)"
                    + " or principal tags");
        }
    }

    /** A hardener with the defaults. */
    public static DenyAllPolicyHardener create() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The deny-all document: {@code {"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Action":"*","Resource":"*"}]}}. */
    public static PolicyDocument denyAllDocument() {
        return DENY_ALL;
    }

    /** The tags every principal gets. */
    public Map<String, String> principalTags() {
        return principalTags;
    }

    @Override
    public CanaryPolicySet harden(HardeningRequest r) {
        Objects.requireNonNull(r, "request");
        String denyAll = DENY_ALL.toJson();
        CredentialKind kind = r.kind();
        String boundaryDoc = null;
        String boundary = null;
        if (kind != CredentialKind.FEDERATION_TOKEN) {
            if (boundaryArn != null) {
                boundary = boundaryArn;
            } else {
                boundary = "arn:" + partition + ":iam::" + r.accountId() + ":policy/" + boundaryPolicyName;
                boundaryDoc = denyAll;
                limit("the permissions boundary", boundaryDoc, MANAGED_POLICY_LIMIT, true);
            }
        }
        String session = kind == CredentialKind.IAM_USER ? null : denyAll;
        if (session != null) {
            limit("the session policy", session, SESSION_POLICY_LIMIT, false);
        }
        String trust = null;
        if (kind == CredentialKind.ASSUMED_ROLE) {
            r.roleName();
            if (r.issuerArn() == null || !r.issuerArn().startsWith("arn:")) {
                throw new CanaryConfigurationException("an assume-role canary needs the issuer's ARN for the role's trust"
                        + " policy (only the issuer may assume the canary role); got " + r.issuerArn());
            }
            trust = PolicyDocument.of(Statement.builder().sid("IssuerOnly").allow()
                    .principal(PolicyPrincipal.aws(r.issuerArn()))
                    .actions("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity").build()).toJson();
            limit("the role trust policy", trust, TRUST_POLICY_LIMIT, true);
        }
        limit("the inline policy", denyAll, kind == CredentialKind.ASSUMED_ROLE ? ROLE_INLINE_LIMIT : USER_INLINE_LIMIT,
                true);
        String scp = scpStatement(r);
        if (scp != null) {
            limit("the SCP", "{\"Version\":\"2012-10-17\",\"Statement\":[" + scp + "]}", SCP_LIMIT, false);
        }
        LOG.debug("hardened {} canary {} in account {}", kind.configName(), r.principalName(), r.accountId());
        return new CanaryPolicySet(kind, inlinePolicyName, denyAll, boundaryDoc, boundary, session, trust, scp,
                principalTags);
    }

    private @Nullable String scpStatement(HardeningRequest r) {
        Statement.Builder s = Statement.builder().sid("DenyBaselinePrincipals").deny().actions("*").resources("*");
        switch (scpMode) {
            case NONE:
                return null;
            case TAG:
                // The constructor refuses TAG mode without a tag key, and the value is always set with the key.
                s.condition("StringEquals", "aws:PrincipalTag/" + scpTagKey,
                        Objects.requireNonNull(scpTagValue, "scpTagValue"));
                break;
            default:
                List<String> patterns = scpArnPatterns.isEmpty() ? List.of(principalArnKey(r)) : scpArnPatterns;
                s.condition(PolicyCondition.of("ArnLike", "aws:PrincipalArn", patterns.toArray(new String[0])));
        }
        return s.build().toJson();
    }

    /** What {@code aws:PrincipalArn} is for the canary: the role (with its path) for an assumed-role session. */
    private String principalArnKey(HardeningRequest r) {
        if (r.kind() == CredentialKind.ASSUMED_ROLE) {
            r.roleName();
            // roleName() throws when roleArn is missing, so it is set here.
            return Objects.requireNonNull(r.roleArn(), "roleArn");
        }
        return r.principalArn(partition);
    }

    private static void limit(String what, String json, int limit, boolean withoutWhitespace) {
        int size = withoutWhitespace ? PolicyDocument.nonWhitespaceLength(json) : json.length();
        if (size > limit) {
            throw new CanaryConfigurationException(what + " has " + size + " characters; AWS allows " + limit
                    + ": shorten the configured names or ARN patterns");
        }
    }

    /**
     * Builds a {@link DenyAllPolicyHardener}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String partition = "aws";
        private String inlinePolicyName = DEFAULT_INLINE_POLICY_NAME;
        private @Nullable String boundaryArn;
        private String boundaryPolicyName = DEFAULT_BOUNDARY_POLICY_NAME;
        private ScpMode scpMode = ScpMode.ARN;
        private final List<String> scpArnPatterns = new ArrayList<>();
        private final Map<String, String> principalTags = new LinkedHashMap<>(Map.of(DEFAULT_TAG_KEY,
                DEFAULT_TAG_VALUE));
        private @Nullable String scpTagKey;
        private @Nullable String scpTagValue;

        private Builder() {
        }

        /** The partition ({@code aws}, {@code aws-cn}, {@code aws-us-gov}); default {@code aws}. */
        public Builder partition(@Nullable String partition) {
            if (partition == null || !partition.matches("aws(-[a-z]+)*")) {
                throw new CanaryConfigurationException("invalid partition '" + partition
                        + "': use aws, aws-cn or aws-us-gov");
            }
            this.partition = partition;
            return this;
        }

        /** The inline policy's name (1-128 of {@code [A-Za-z0-9+=,.@_-]}); default {@value #DEFAULT_INLINE_POLICY_NAME}. */
        public Builder inlinePolicyName(@Nullable String name) {
            this.inlinePolicyName = policyName("inline policy name", name);
            return this;
        }

        /** An existing boundary policy to attach instead of creating one. */
        public Builder boundaryArn(@Nullable String arn) {
            if (arn == null || !arn.startsWith("arn:") || !arn.contains(":policy/")) {
                throw new CanaryConfigurationException("invalid permissions boundary ARN '" + arn
                        + "': a managed policy ARN looks like arn:aws:iam::111122223333:policy/baseline-boundary");
            }
            this.boundaryArn = arn;
            return this;
        }

        /** The name of the boundary policy to create; default {@value #DEFAULT_BOUNDARY_POLICY_NAME}. */
        public Builder boundaryPolicyName(@Nullable String name) {
            this.boundaryPolicyName = policyName("boundary policy name", name);
            return this;
        }

        /** How the SCP statement picks canary principals; default {@link ScpMode#ARN}. */
        public Builder scpMode(ScpMode mode) {
            this.scpMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** {@code aws:PrincipalArn} patterns for the SCP statement (instead of the canary's own ARN). */
        public Builder scpArnPatterns(List<String> patterns) {
            for (String p : patterns) {
                if (p == null || !p.startsWith("arn:")) {
                    throw new CanaryConfigurationException("invalid SCP principal ARN pattern '" + p
                            + "': write an ARN pattern such as arn:aws:iam::*:user/svc-*");
                }
            }
            scpArnPatterns.clear();
            scpArnPatterns.addAll(patterns);
            return this;
        }

        /** The principal tag the SCP statement matches (default: the first principal tag). */
        public Builder scpTag(String key, String value) {
            this.scpTagKey = tag("SCP tag key", key, 1, 128);
            this.scpTagValue = tag("SCP tag value", value, 0, 256);
            return this;
        }

        /** The tags every principal gets (replaces the default {@code managed-by=iam-automation}); may be empty. */
        public Builder principalTags(Map<String, String> tags) {
            Map<String, String> copy = new LinkedHashMap<>();
            tags.forEach((k, v) -> copy.put(tag("tag key", k, 1, 128), tag("tag value", v, 0, 256)));
            if (copy.size() > 50) {
                throw new CanaryConfigurationException("at most 50 tags per principal; got " + copy.size());
            }
            principalTags.clear();
            principalTags.putAll(copy);
            return this;
        }

        /**
         * The hardener.
         *
         * @throws CanaryConfigurationException if the SCP mode is {@code TAG} but there is no tag
         */
        public DenyAllPolicyHardener build() {
            return new DenyAllPolicyHardener(this);
        }

        private static String policyName(String what, @Nullable String name) {
            if (name == null || !POLICY_NAME.matcher(name).matches()) {
                throw new CanaryConfigurationException("invalid " + what + " '" + name
                        + "': use 1-128 letters, digits or + = , . @ _ -");
            }
            return name;
        }

        private static String tag(String what, @Nullable String s, int min, int max) {
            if (s == null || s.length() < min || s.length() > max || !TAG.matcher(s).matches()
                    || (min > 0 && s.toLowerCase(Locale.ROOT).startsWith("aws:"))) {
                throw new CanaryConfigurationException("invalid " + what + " '" + s + "': use " + min + "-" + max
                        + " letters, digits, spaces or _ . : / = + - @ (keys must not start with aws:)");
            }
            return s;
        }
    }
}
