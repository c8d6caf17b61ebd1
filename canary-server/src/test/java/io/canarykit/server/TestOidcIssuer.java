package io.canarykit.server;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A test OpenID Connect issuer on loopback: WireMock serves its JWK set where the platform's issuer would
 * ({@code /.well-known/jwks} or {@code /oauth/discovery/keys}), and GitHub's ID-token endpoint; tokens are signed with a
 * fresh RSA key, which can be rotated.
 */
final class TestOidcIssuer implements AutoCloseable {
    static final String AUDIENCE = "https://canary.example.test";
    /** The bearer token GitHub hands the job for the ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
    static final String REQUEST_TOKEN = "ghs_requesttoken0123456789abcdefABCDEF";

    final WireMockServer wireMock = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
            .jettyAcceptors(1).containerThreads(8));
    final CiPlatform platform;
    private final Clock clock;
    RSAKey key;

    TestOidcIssuer(CiPlatform platform, Clock clock) {
        this.platform = platform;
        this.clock = clock;
        wireMock.start();
        rotate();
    }

    /** The issuer URL ({@code iss}). */
    String issuer() {
        return "http://127.0.0.1:" + wireMock.port();
    }

    /** A new signing key; the JWK set now publishes only it. */
    void rotate() {
        try {
            key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        publish(new JWKSet(key.toPublicJWK()).toString());
    }

    /** Serves {@code json} as the JWK set. */
    void publish(String json) {
        String path = platform.jwksUri(issuer()).substring(issuer().length());
        wireMock.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(json)));
    }

    /** How many times the JWK set was fetched. */
    int jwksFetches() {
        String path = platform.jwksUri(issuer()).substring(issuer().length());
        return wireMock.findAll(getRequestedFor(urlEqualTo(path))).size();
    }

    /** The claims of a GitHub Actions run of {@code repository}, run 4242, attempt 1, on main. */
    static Map<String, Object> githubRun(String repository) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", "repo:" + repository + ":ref:refs/heads/main");
        c.put("repository", repository);
        c.put("repository_id", "690066");
        c.put("repository_owner", repository.substring(0, repository.indexOf('/')));
        c.put("workflow", "deploy");
        c.put("workflow_ref", repository + "/.github/workflows/deploy.yml@refs/heads/main");
        c.put("job_workflow_ref", repository + "/.github/workflows/deploy.yml@refs/heads/main");
        c.put("ref", "refs/heads/main");
        c.put("ref_type", "branch");
        c.put("sha", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4");
        c.put("run_id", "7153946261");
        c.put("run_number", "311");
        c.put("run_attempt", "1");
        c.put("actor", "octocat");
        c.put("event_name", "push");
        c.put("runner_environment", "github-hosted");
        return c;
    }

    /** The claims of a GitLab CI job of {@code project}, pipeline 99001, job 5550001, on main. */
    static Map<String, Object> gitlabJob(String project) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", "project_path:" + project + ":ref_type:branch:ref:main");
        c.put("namespace_path", project.substring(0, project.lastIndexOf('/')));
        c.put("project_path", project);
        c.put("project_id", "4711");
        c.put("pipeline_id", "99001");
        c.put("pipeline_source", "push");
        c.put("job_id", "5550001");
        c.put("ref", "main");
        c.put("ref_type", "branch");
        c.put("ref_protected", "true");
        c.put("sha", "0a4d55a8d778e5022fab701977c5d840bbc486d0");
        c.put("user_login", "zoe");
        return c;
    }

    /** A token for {@code claims}, valid from now for 5 minutes, for the test audience. */
    String token(Map<String, Object> claims) {
        return token(claims, b -> { });
    }

    /** A token whose standard claims {@code adjust} may change. */
    String token(Map<String, Object> claims, java.util.function.Consumer<JWTClaimsSet.Builder> adjust) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer()).audience(AUDIENCE)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        claims.forEach(b::claim);
        adjust.accept(b);
        return sign(b.build(), key);
    }

    static String sign(JWTClaimsSet claims, RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves {@code token} at GitHub's ID-token endpoint (for the action), to a request carrying the request token. */
    void serveIdToken(String token) {
        wireMock.stubFor(get(urlPathEqualTo("/_apis/token")).withHeader("Authorization",
                        equalTo("Bearer " + REQUEST_TOKEN))
                .withQueryParam("audience", equalTo(AUDIENCE))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"count\":1,\"value\":\"" + token + "\"}")));
    }

    /** What the runner sets as ACTIONS_ID_TOKEN_REQUEST_URL (it already carries a query). */
    String idTokenRequestUrl() {
        return issuer() + "/_apis/token?api-version=2.0";
    }

    /** An authenticator for this issuer with {@code policy}. */
    OidcAuthenticator.Builder authenticator(RunPolicy policy) {
        return OidcAuthenticator.builder(platform).issuer(issuer()).audience(AUDIENCE).policy(policy).clock(clock);
    }

    @Override
    public void close() {
        wireMock.stop();
    }
}
