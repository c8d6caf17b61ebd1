package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryRecord;
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
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.GetFederationTokenRequest;
import software.amazon.awssdk.services.sts.model.GetFederationTokenResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Issues short-term canaries (up to 36 hours) with {@code sts:GetFederationToken}: the namer's name (2-32 characters)
 * and the policy set's deny-all session policy, called with an issuing IAM user's long-term key (the STS client the
 * caller supplies must carry it). It is never called without a session policy: without one AWS would hand out the
 * issuing user's own permissions. Provider name {@code federation-token}.
 *
 * <p>What can be read back of a token is its answer: it must report a {@code PackedPolicySize} (AWS reports one for
 * every session policy it applied) and name the federated user asked for; otherwise the token is refused
 * ({@link CanaryIssuerException.Reason#NOT_APPLIED}) and never handed out.
 *
 * <p>A federation token cannot be deleted; it expires. Revoking one is recorded by the coordinator. Thread-safe.
 *
 * @since 0.1.0
 */
public final class FederationTokenIssuer implements CanaryIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(FederationTokenIssuer.class);

    private final StsClient sts;
    private final String accountId;
    private final String issuerArn;
    private final Duration defaultDuration;
    private final Map<String, String> sessionTags;
    private final Clock clock;

    private FederationTokenIssuer(Builder b, String accountId, String issuerArn) {
        this.sts = Objects.requireNonNull(b.sts, "sts"); // build() checked it
        this.accountId = accountId;
        this.issuerArn = issuerArn;
        this.defaultDuration = b.defaultDuration;
        this.sessionTags = Map.copyOf(b.sessionTags);
        this.clock = b.clock;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CredentialKind kind() {
        return CredentialKind.FEDERATION_TOKEN;
    }

    @Override
    public String accountId() {
        return accountId;
    }

    @Override
    public NameRules nameRules() {
        return NameRules.FEDERATED_USER;
    }

    @Override
    public HardeningRequest hardeningRequest(String principalName) {
        return HardeningRequest.federationToken(accountId, principalName, issuerArn);
    }

    /** Validates the whole request offline (name, kind, session policy, duration, tags) and returns the user. */
    @Override
    public Principal plannedPrincipal(IssueRequest request) {
        Principal p = Principal.federatedUser(accountId, nameRules().validate(request.principalName()));
        CanaryPolicySet policies = request.policies();
        if (policies.kind() != CredentialKind.FEDERATION_TOKEN) {
            throw new CanaryConfigurationException("a federation-token issuer needs federation-token policies, not "
                    + policies.kind().configName());
        }
        if (policies.sessionPolicy() == null || policies.sessionPolicy().isBlank()) {
            throw new CanaryConfigurationException("refusing to call GetFederationToken without a session policy:"
                    + " without one the token would carry the issuing user's own permissions");
        }
        seconds(request);
        tags(request);
        return p;
    }

    private int seconds(IssueRequest request) {
        Duration duration = request.duration() != null ? request.duration() : defaultDuration;
        return AssumeRoleIssuer.seconds(duration, Duration.ofMinutes(15),
                CredentialKind.FEDERATION_TOKEN.maxDuration().orElseThrow(), "GetFederationToken DurationSeconds");
    }

    private Map<String, String> tags(IssueRequest request) {
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
        int seconds = seconds(request);
        Map<String, String> tags = tags(request);
        GetFederationTokenRequest.Builder b = GetFederationTokenRequest.builder()
                .name(planned.name())
                .policy(policies.sessionPolicy())
                .durationSeconds(seconds);
        if (!tags.isEmpty()) {
            b.tags(tags.entrySet().stream().map(e -> Tag.builder()
                    .key(e.getKey()).value(e.getValue()).build()).toList());
        }
        GetFederationTokenResponse r;
        try {
            r = sts.getFederationToken(b.build());
        } catch (SdkException e) {
            throw AwsErrors.issueFailure("GetFederationToken " + planned.name(), e, false,
                    CanaryIssuerException.Residue.NONE);
        }
        if (r.packedPolicySize() == null) {
            // AWS reports the packed size of every session policy it applied: none means the deny-all was dropped
            throw ReadBack.notApplied("federated user " + planned.name(), List.of("GetFederationToken answered"
                    + " without PackedPolicySize, so the deny-all session policy was not applied; the token expires"
                    + " on its own and was never handed out"));
        }
        String expectedArn = ":federated-user/" + planned.name();
        if (r.federatedUser() == null || r.federatedUser().arn() == null || !r.federatedUser().arn().endsWith(expectedArn)) {
            throw ReadBack.notApplied("federated user " + planned.name(), List.of("GetFederationToken answered for "
                    + (r.federatedUser() == null ? "no federated user" : r.federatedUser().arn()) + ", not for "
                    + planned.name()));
        }
        Credentials c = r.credentials();
        Instant now = clock.instant();
        CanaryCredential credential = new CanaryCredential(c.accessKeyId(), Secret.of(c.secretAccessKey()),
                Secret.of(c.sessionToken()), c.expiration());
        Principal principal = new Principal(accountId, r.federatedUser().arn(), planned.name(), null);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("sts.federatedUserId", r.federatedUser().federatedUserId());
        if (issuerArn != null) {
            attributes.put("sts.issuerArn", issuerArn);
        }
        LOG.debug("federation token for {} until {}", planned.name(), c.expiration());
        Instant issuedAt = c.expiration() != null && c.expiration().minusSeconds(seconds).isBefore(now)
                ? c.expiration().minusSeconds(seconds) : now;
        return new IssuedCanary(credential, principal, issuedAt, c.expiration(), List.of(), attributes);
    }

    /** Nothing to delete: a federation token expires on its own. */
    @Override
    public Revocation revoke(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        return Revocation.nothingFound(true);
    }

    /** Federation tokens cannot be listed: always empty. */
    @Override
    public List<IssuedPrincipal> listIssued() {
        return List.of();
    }

    @Override
    public String toString() {
        return "FederationTokenIssuer[account=" + accountId + ", issuer=" + issuerArn + "]";
    }

    /**
     * Builder for {@link FederationTokenIssuer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable StsClient sts;
        private @Nullable String accountId;
        private @Nullable String issuerArn;
        private Duration defaultDuration = Duration.ofHours(12);
        private final Map<String, String> sessionTags = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The STS client, carrying the issuing IAM user's long-term key (required). */
        public Builder sts(StsClient sts) {
            this.sts = Objects.requireNonNull(sts, "sts");
            return this;
        }

        /** The issuing account; when not set (or the issuer ARN is not), {@link #build()} asks STS. */
        public Builder accountId(String accountId) {
            this.accountId = Principal.requireAccount(accountId);
            return this;
        }

        /** The issuing IAM user's ARN (shown in CloudTrail as the session issuer). */
        public Builder issuerArn(String issuerArn) {
            if (issuerArn == null || !issuerArn.startsWith("arn:")) {
                throw new CanaryConfigurationException("invalid issuer ARN '" + issuerArn + "'");
            }
            this.issuerArn = issuerArn;
            return this;
        }

        /** The token lifetime when a request asks for none (default 12 hours; 15 minutes to 36 hours). */
        public Builder defaultDuration(Duration d) {
            AssumeRoleIssuer.seconds(Objects.requireNonNull(d, "duration"), Duration.ofMinutes(15), Duration.ofHours(36),
                    "the default federation token duration");
            this.defaultDuration = d;
            return this;
        }

        /** Session tags every token gets besides the policy set's principal tags. */
        public Builder sessionTags(Map<String, String> tags) {
            this.sessionTags.clear();
            this.sessionTags.putAll(IamUserIssuer.validateTags(new LinkedHashMap<>(tags)));
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
         * @throws CanaryConfigurationException if the STS client is missing, or the caller is not an IAM user
         */
        public FederationTokenIssuer build() {
            if (sts == null) {
                throw new CanaryConfigurationException("a federation-token issuer needs an STS client carrying an IAM"
                        + " user's long-term key: call sts(StsClient)");
            }
            String account = accountId;
            String arn = issuerArn;
            if (account == null || arn == null) {
                GetCallerIdentityResponse me = Accounts.caller(sts, "federation-token");
                account = account != null ? account : me.account();
                arn = arn != null ? arn : me.arn();
                if (!arn.contains(":user/")) {
                    throw new CanaryConfigurationException("GetFederationToken must be called with an IAM user's"
                            + " long-term key, but the STS client authenticates as " + arn);
                }
            }
            return new FederationTokenIssuer(this, account, arn);
        }
    }
}
