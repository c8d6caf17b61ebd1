package io.canarykit.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.RunPhase;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CI jobs as callers: a GitHub Actions or GitLab CI job presents its OpenID Connect token
 * ({@code Authorization: Bearer <JWT>}), and the run it names gets canaries as the {@link RunPolicy} allows.
 *
 * <p>What a token must be, checked by Nimbus JOSE+JWT: a JWS (never {@code alg: none}, never encrypted) signed with one
 * of the pinned asymmetric algorithms (default RS256; HMAC algorithms cannot be configured, so a token "signed" with
 * the issuer's public key as an HMAC secret is refused) by a key the issuer publishes in its JWK set
 * ({@link JwksCache}); {@code iss} exactly the configured issuer; {@code aud} one of the configured audiences;
 * {@code exp} not past and {@code nbf}/{@code iat} not ahead, each with the configured clock skew (default 60 s); the
 * run's claims present. A token from another issuer is left to other authenticators; a bad token from this issuer
 * is refused (401) with a reason that never contains the token. A valid token of a run the policy does not allow is
 * {@linkplain Authentication#forbidden forbidden} (403) with the reason.
 *
 * <p>An allowed run is the caller {@code github:<repository>} (or {@code gitlab:<project path>}) bound to its run:
 * {@link IssuanceScope} with the asset {@code ci-run/github/<repository>/runs/<run id>/attempts/<attempt>} (GitLab:
 * {@code ci-run/gitlab/<project>/pipelines/<pipeline id>/jobs/<job id>}) labelled with the run's claims (repository,
 * workflow, ref, sha, run id and attempt, actor, ...), the rule's lifetime and kinds, and {@link RunPhase#ATTR_RUN}.
 * Names of principals never carry any of it: they come from the namer, and the store maps them back to the run.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class OidcAuthenticator implements CallerAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final Pattern PREFIX = Pattern.compile("Bearer ", Pattern.CASE_INSENSITIVE);
    private static final int MAX_LABEL = 200;
    private static final Pattern GITHUB_REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern GITLAB_PROJECT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){1,20}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,20}");

    private final CiPlatform platform;
    private final String issuer;
    private final Set<String> audiences;
    private final Clock clock;
    private final Duration clockSkew;
    private final RunPolicy policy;
    private final JwksCache keys;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final List<String> algorithmNames;

    private OidcAuthenticator(Builder b) {
        this.platform = b.platform;
        this.issuer = b.issuer;
        this.audiences = Set.copyOf(b.audiences);
        this.clock = b.clock;
        this.clockSkew = b.clockSkew;
        this.policy = Objects.requireNonNull(b.policy, "policy"); // build() checked it
        this.algorithmNames = b.algorithms.stream().map(JWSAlgorithm::getName).toList();
        this.keys = new JwksCache(Objects.requireNonNull(b.jwksUri, "jwksUri"), b.http != null ? b.http : HttpClient.newBuilder()
                .connectTimeout(b.jwksTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build(), b.clock,
                b.jwksTimeout, b.jwksMaxBytes, b.jwksMaxKeys, b.jwksCacheTime, b.jwksMinRefreshInterval);
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.copyOf(b.algorithms), keys));
        Set<String> required = new LinkedHashSet<>(List.of("iss", "aud", "exp", "iat", "sub"));
        required.addAll(platform.runClaims());
        ClockVerifier claims = new ClockVerifier(audiences, new JWTClaimsSet.Builder().issuer(issuer).build(), required,
                clock);
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
    }

    /** A builder for {@code platform}'s tokens. */
    public static Builder builder(CiPlatform platform) {
        return new Builder(platform);
    }

    /** The platform whose tokens it accepts. */
    public CiPlatform platform() {
        return platform;
    }

    /** Fetches of the issuer's JWK set so far (each refresh counts once). */
    public long keyFetches() {
        return keys.fetches();
    }

    @Override
    public Authentication authenticate(AuthenticationRequest request) {
        List<String> values = request.headers("authorization");
        if (values.isEmpty() || !BearerTokenAuthenticator.isJwt(values.get(0))) {
            return Authentication.notApplicable();
        }
        String token = values.get(0).substring(PREFIX.pattern().length());
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            return Authentication.notApplicable(); // not a JWT after all: the "invalid bearer token" answer follows
        }
        String claimedIssuer;
        try {
            claimedIssuer = parsed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return Authentication.notApplicable();
        }
        if (!issuer.equals(claimedIssuer)) {
            return Authentication.notApplicable(); // another issuer's (or a forged issuer's): not ours to judge
        }
        if (values.size() > 1) {
            return Authentication.refused("more than one Authorization header");
        }
        if (parsed instanceof PlainJWT) {
            return Authentication.refused("unsigned token (alg none) refused: " + platform.authenticatorName()
                    + " tokens must be signed with " + algorithmsText());
        }
        if (parsed instanceof EncryptedJWT) {
            return Authentication.refused("encrypted tokens are not accepted; send the job's signed ID token");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(parsed, null);
        } catch (BadJOSEException e) {
            String reason = reason(e);
            LOG.debug("{} token refused: {} ({})", platform.authenticatorName(), reason, Excerpt.message(e.getMessage()));
            return Authentication.refused(reason);
        } catch (JOSEException e) {
            LOG.warn("{} token could not be checked: {}", platform.authenticatorName(), Excerpt.message(e.getMessage()));
            return Authentication.refused("the issuer's signing keys could not be fetched to check the token; try "
                    + "again later");
        }
        Instant iat = claims.getIssueTime().toInstant();
        if (iat.isAfter(clock.instant().plus(clockSkew))) {
            return Authentication.refused("the token was issued in the future (iat " + iat + "); check the clocks");
        }
        return decide(claims);
    }

    private Authentication decide(JWTClaimsSet claims) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String name : claims.getClaims().keySet()) {
            Object v = claims.getClaim(name);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                facts.put(name, String.valueOf(v));
            }
        }
        String problem = checkRunClaims(facts);
        if (problem != null) {
            return Authentication.refused(problem);
        }
        String subject = platform == CiPlatform.GITLAB_CI ? facts.get("project_path") : facts.get("repository");
        String callerName = platform.callerPrefix() + ":" + subject;
        if (callerName.length() > 128) {
            return Authentication.refused("the " + (platform == CiPlatform.GITLAB_CI ? "project path" : "repository")
                    + " is too long to name a caller (at most " + (127 - platform.callerPrefix().length())
                    + " characters)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("ci", platform.authenticatorName());
        platform.labelOfClaim().forEach((claim, label) -> {
            String v = facts.get(claim);
            if (v != null && !v.isEmpty()) {
                labels.put(label, v.length() > MAX_LABEL ? v.substring(0, MAX_LABEL) : v);
            }
        });
        RunPolicy.Decision d = policy.decide(facts);
        CallerIdentity unbound = new CallerIdentity(callerName, platform.authenticatorName(), labels, null, null);
        if (!d.allowed()) {
            return Authentication.forbidden(unbound, Objects.requireNonNull(d.reason(), "reason")); // a refusal says why
        }
        RunPolicy.Rule rule = Objects.requireNonNull(d.rule(), "rule"); // an allowed decision names its rule
        String assetId = platform == CiPlatform.GITLAB_CI
                ? "gitlab/" + subject + "/pipelines/" + facts.get("pipeline_id") + "/jobs/" + facts.get("job_id")
                : "github/" + subject + "/runs/" + facts.get("run_id") + "/attempts/" + facts.get("run_attempt");
        Asset asset = new Asset(rule.assetKind(), assetId, labels);
        List<String> kinds = rule.kinds().stream().sorted().map(CredentialKind::configName).toList();
        CallerPermissions permissions = CallerPermissions.defaults().withProfiles(rule.profiles())
                .withAssetKinds(List.of(rule.assetKind())).withKinds(kinds).withAdmin(false);
        IssuanceScope scope = new IssuanceScope(asset, rule.lifetime(),
                Map.of(RunPhase.ATTR_RUN, platform.authenticatorName()));
        return Authentication.accepted(new CallerIdentity(callerName, platform.authenticatorName(), labels, permissions,
                scope));
    }

    /** The run's claims must be present and well-formed (they become names, ids and labels). */
    private @Nullable String checkRunClaims(Map<String, String> facts) {
        List<String> missing = new ArrayList<>();
        for (String c : platform.runClaims()) {
            if (facts.get(c) == null || facts.get(c).isEmpty()) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            return "the token lacks the run's claims " + missing + "; send the job's own ID token";
        }
        if (platform == CiPlatform.GITHUB_ACTIONS) {
            if (!GITHUB_REPOSITORY.matcher(facts.get("repository")).matches()) {
                return "the token's repository claim is not OWNER/NAME";
            }
            if (!NUMBER.matcher(facts.get("run_id")).matches() || !NUMBER.matcher(facts.get("run_attempt")).matches()) {
                return "the token's run_id and run_attempt must be numbers";
            }
        } else {
            if (!GITLAB_PROJECT.matcher(facts.get("project_path")).matches()) {
                return "the token's project_path claim is not GROUP/PROJECT";
            }
            if (!NUMBER.matcher(facts.get("pipeline_id")).matches() || !NUMBER.matcher(facts.get("job_id")).matches()) {
                return "the token's pipeline_id and job_id must be numbers";
            }
        }
        return null;
    }

    private String reason(BadJOSEException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof BadJWTException) {
            if (m.startsWith("Expired JWT")) {
                return "the token has expired (exp is past, beyond " + clockSkew.toSeconds() + " s of clock skew); "
                        + "request a fresh token for each call";
            }
            if (m.startsWith("JWT before use time")) {
                return "the token is not valid yet (nbf is ahead, beyond " + clockSkew.toSeconds()
                        + " s of clock skew); check the clocks";
            }
            if (m.contains(" aud ") || m.contains("audience")) {
                return "the token is for another audience: request it with the audience " + String.join(" or ",
                        audiences.stream().sorted().toList());
            }
            if (m.startsWith("JWT iss claim")) {
                return "the token was not issued by " + issuer;
            }
            if (m.startsWith("JWT missing required claims")) {
                return "the token lacks required claims " + m.substring(m.indexOf(':') + 1).trim()
                        + "; send the job's own ID token";
            }
            return "the token's claims were refused";
        }
        if (e instanceof BadJWSException) {
            return "the token's signature does not verify with the issuer's published keys";
        }
        if (m.contains("algorithm") || m.contains("matching key")) {
            return "the token is not signed with " + algorithmsText() + " by a key the issuer publishes";
        }
        if (m.contains("typ")) {
            return "the token's type (typ) is not JWT";
        }
        return "the token was refused";
    }

    private String algorithmsText() {
        return String.join(" or ", algorithmNames);
    }

    /** Nimbus's claims verifier on the server's clock. */
    private static final class ClockVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        ClockVerifier(Set<String> audiences, JWTClaimsSet exact, Set<String> required, Clock clock) {
            super(audiences, exact, required, null);
            this.clock = clock;
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }
    }

    /**
     * Builder for {@link OidcAuthenticator}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final CiPlatform platform;
        private String issuer;
        private @Nullable URI jwksUri;
        private final Set<String> audiences = new LinkedHashSet<>();
        private final Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(Set.of(JWSAlgorithm.RS256));
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private @Nullable RunPolicy policy;
        private @Nullable HttpClient http;
        private Duration jwksTimeout = Duration.ofSeconds(5);
        private int jwksMaxBytes = 65_536;
        private int jwksMaxKeys = 32;
        private Duration jwksCacheTime = Duration.ofMinutes(15);
        private Duration jwksMinRefreshInterval = Duration.ofSeconds(30);

        Builder(CiPlatform platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            this.issuer = platform.defaultIssuer();
        }

        /** The issuer URL, exactly as tokens carry it in {@code iss} (default the platform's public service). */
        public Builder issuer(String v) {
            issuer = Objects.requireNonNull(v, "issuer");
            return this;
        }

        /** Where the issuer publishes its keys (default derived from the issuer). */
        public Builder jwksUri(URI v) {
            jwksUri = Objects.requireNonNull(v, "jwksUri");
            return this;
        }

        /** An audience tokens must be for (at least one is required: the audience the jobs request). */
        public Builder audience(String v) {
            if (v == null || v.isBlank()) {
                throw new CanaryConfigurationException("an OpenID Connect audience must not be blank");
            }
            audiences.add(v);
            return this;
        }

        /**
         * The signature algorithms accepted (default RS256, what GitHub and GitLab sign with). Only asymmetric JWS
         * algorithms can be given: {@code none} and the HMAC algorithms are refused.
         */
        public Builder algorithms(List<String> names) {
            Set<JWSAlgorithm> out = new LinkedHashSet<>();
            for (String n : names) {
                JWSAlgorithm a = JWSAlgorithm.parse(n.trim());
                if (!ASYMMETRIC.contains(a)) {
                    throw new CanaryConfigurationException("the signature algorithm '" + Excerpt.of(n) + "' cannot be "
                            + "accepted: give asymmetric JWS algorithms only (RS256, PS256, ES256, ...), never none or HS*");
                }
                out.add(a);
            }
            if (out.isEmpty()) {
                throw new CanaryConfigurationException("give at least one signature algorithm (RS256)");
            }
            algorithms.clear();
            algorithms.addAll(out);
            return this;
        }

        /** How far exp, nbf and iat may be off the server's clock (default 60 s, at most 5 minutes). */
        public Builder clockSkew(Duration v) {
            if (v.isNegative() || v.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new CanaryConfigurationException("the clock skew must be 0 to 5 minutes, not " + v);
            }
            clockSkew = v;
            return this;
        }

        /** The server's clock. */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** Which runs may get canaries (required). */
        public Builder policy(RunPolicy v) {
            policy = Objects.requireNonNull(v, "policy");
            return this;
        }

        /** The HTTP client that fetches the JWK set (default: a JDK client that follows no redirect). */
        public Builder httpClient(HttpClient v) {
            http = Objects.requireNonNull(v, "http");
            return this;
        }

        /** The longest a JWK set fetch may take, connection included (default 5 s). */
        public Builder jwksTimeout(Duration v) {
            if (v.isNegative() || v.isZero() || v.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new CanaryConfigurationException("jwks-timeout must be above 0 and at most 1 minute, not " + v);
            }
            jwksTimeout = v;
            return this;
        }

        /** The largest JWK set accepted, in bytes (default 64 KiB), and the most keys (default 32). */
        public Builder jwksLimits(int maxBytes, int maxKeys) {
            if (maxBytes < 1024 || maxBytes > 4 << 20 || maxKeys < 1 || maxKeys > 1000) {
                throw new CanaryConfigurationException("jwks-max-bytes must be 1 KiB to 4 MiB and jwks-max-keys 1 to 1000");
            }
            jwksMaxBytes = maxBytes;
            jwksMaxKeys = maxKeys;
            return this;
        }

        /**
         * How long fetched keys are used before they are fetched again (default 15 minutes), and the least time
         * between two fetches (default 30 s), which also bounds refetches for unknown key ids.
         */
        public Builder jwksCaching(Duration cacheTime, Duration minRefreshInterval) {
            if (cacheTime.isNegative() || cacheTime.isZero() || minRefreshInterval.isNegative()
                    || minRefreshInterval.compareTo(cacheTime) > 0) {
                throw new CanaryConfigurationException("jwks-cache-time must be positive and jwks-min-refresh-interval "
                        + "between 0 and it");
            }
            jwksCacheTime = cacheTime;
            jwksMinRefreshInterval = minRefreshInterval;
            return this;
        }

        /**
         * Builds it.
         *
         * @throws CanaryConfigurationException if no audience or policy is set, or the key URL is not HTTPS (plain HTTP
         *         only to a loopback address)
         */
        public OidcAuthenticator build() {
            if (audiences.isEmpty()) {
                throw new CanaryConfigurationException("the " + platform.authenticatorName() + " authenticator needs the "
                        + "audience its jobs request their tokens for (audience=https://canary.example.com)");
            }
            if (policy == null) {
                throw new CanaryConfigurationException("the " + platform.authenticatorName() + " authenticator needs a "
                        + "policy: at least one rule.<name>.repository (or project-path) saying which runs get canaries");
            }
            URI keysAt = jwksUri != null ? jwksUri : URI.create(platform.jwksUri(issuer));
            requireHttps(keysAt);
            jwksUri = keysAt;
            return new OidcAuthenticator(this);
        }

        private static void requireHttps(URI uri) {
            if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
                return;
            }
            if ("http".equals(uri.getScheme()) && uri.getHost() != null) {
                try {
                    if (InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                        return;
                    }
                } catch (UnknownHostException e) {
                    // falls through to the error
                }
            }
            throw new CanaryConfigurationException("the JWK set URL " + uri + " must be https:// (plain http only to a "
                    + "loopback address, for tests)");
        }
    }
}
