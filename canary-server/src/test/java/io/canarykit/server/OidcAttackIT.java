package io.canarykit.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenID Connect callers attacked: every forged, stale, misdirected or unsigned token is refused with a reason
 * that never echoes it, key sources that are huge or slow cannot hold the server, unknown key ids cannot make it
 * hammer the issuer, and a repository no rule allows gets 403.
 */
class OidcAttackIT {
    private static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-11-30T09:00:00Z"));
    private static final String REPO = "acme/paygate";
    private static ApiTestBed bed;
    private static TestOidcIssuer issuer;
    private static OidcAuthenticator authenticator;
    private static CanaryService service;
    private static IssuanceApi api;
    private static ApiTestBed.Logs logs;
    private static final List<String> tokens = new ArrayList<>();
    private static final List<String> answers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        logs = new ApiTestBed.Logs();
        bed = new ApiTestBed();
        issuer = new TestOidcIssuer(CiPlatform.GITHUB_ACTIONS, CLOCK);
        authenticator = issuer.authenticator(policy()).build();
        service = bed.service(InMemoryCanaryStore.create());
        api = IssuanceApi.builder().service(service).clock(CLOCK).rateLimit(6000, 1000)
                .limits(ServerLimits.defaults().withFailedAuth(6000, 1000)).authenticator(authenticator).build().start();
    }

    @AfterAll
    static void stop() {
        api.close();
        service.close();
        issuer.close();
        bed.close();
        logs.close();
        String everything = String.join("\n", answers) + "\n" + logs.text();
        assertThat(logs.text()).as("positive control: the refusals were logged").contains("authentication failed from");
        for (String t : tokens) {
            assertThat(everything).as("no token, and no token's signature, in any answer or log line")
                    .doesNotContain(t).doesNotContain(t.substring(t.lastIndexOf('.') + 1).isEmpty() ? t
                            : t.substring(t.lastIndexOf('.') + 1));
        }
    }

    private static RunPolicy policy() {
        return RunPolicy.of(CiPlatform.GITHUB_ACTIONS, List.of(new RunPolicy.Rule("deploy",
                Map.of("repository", List.of(REPO), "ref", List.of("refs/heads/main")), List.of(PlacementProfile.RETURN),
                Set.of(CredentialKind.ASSUMED_ROLE), Duration.ofHours(1), RunPolicy.DEFAULT_ASSET_KIND)));
    }

    private HttpResponse<String> call(String token) throws Exception {
        tokens.add(token);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.uri() + "/v1/canaries"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        answers.add(r.body());
        return r;
    }

    private void refused(String token, String reason) throws Exception {
        HttpResponse<String> r = call(token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains(reason);
    }

    private static Map<String, Object> run() {
        return TestOidcIssuer.githubRun(REPO);
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = CLOCK.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer.issuer()).audience(TestOidcIssuer.AUDIENCE)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        run().forEach(b::claim);
        return b;
    }

    @Test
    void aValidTokenIsItsRun() throws Exception {
        HttpResponse<String> r = call(issuer.token(run()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"canaries\":[]");
    }

    @Test
    void expiredAndNotYetValidTokensAreRefusedBeyondTheClockSkew() throws Exception {
        Instant now = CLOCK.instant();
        refused(issuer.token(run(), b -> b.issueTime(Date.from(now.minusSeconds(420)))
                .notBeforeTime(Date.from(now.minusSeconds(420))).expirationTime(Date.from(now.minusSeconds(120)))),
                "the token has expired");
        refused(issuer.token(run(), b -> b.notBeforeTime(Date.from(now.plusSeconds(300)))), "not valid yet");
        refused(issuer.token(run(), b -> b.issueTime(Date.from(now.plusSeconds(300)))), "issued in the future");
        assertThat(call(issuer.token(run(), b -> b.expirationTime(Date.from(now.minusSeconds(30)))
                .notBeforeTime(Date.from(now.minusSeconds(200))).issueTime(Date.from(now.minusSeconds(200))))).statusCode())
                .as("30 s past exp is within the 60 s skew").isEqualTo(200);
        assertThat(call(issuer.token(run(), b -> b.notBeforeTime(Date.from(now.plusSeconds(30))))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anotherAudienceOrIssuerIsRefused() throws Exception {
        refused(issuer.token(run(), b -> b.audience("https://github.com/acme")), "another audience: request it with "
                + "the audience " + TestOidcIssuer.AUDIENCE);
        refused(issuer.token(run(), b -> b.issuer(issuer.issuer() + ".evil.example")),
                "JSON Web Token from an issuer this server does not accept");
        refused(issuer.token(run(), b -> b.issuer(null)), "does not accept");
        Map<String, Object> noRun = run();
        noRun.remove("run_id");
        refused(issuer.token(noRun), "the token lacks required claims");
    }

    @Test
    void forgedSignaturesAreRefused() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(issuer.key.getKeyID()).generate();
        refused(TestOidcIssuer.sign(claims().build(), impostor), "signature does not verify");

        String genuine = issuer.token(run());
        String[] parts = genuine.split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(claims().claim("repository", "acme/other").build()
                .toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        refused(tampered, "signature does not verify");
        refused(parts[0] + "." + parts[1] + ".", "");
    }

    @Test
    void unsignedTokensAreRefused() throws Exception {
        refused(new PlainJWT(claims().build()).serialize(), "unsigned token (alg none) refused");
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + issuer.key.getKeyID() + "\"}")
                .toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        refused(header + "." + payload + ".", "unsigned token");
        String noneUpper = Base64URL.encode("{\"alg\":\"NONE\"}").toString();
        refused(noneUpper + "." + payload + ".", "");
    }

    @Test
    void keyConfusionIsRefused() throws Exception {
        // HS256 with the issuer's public key as the HMAC secret, in the two forms attackers try
        byte[] der = issuer.key.toRSAPublicKey().getEncoded();
        byte[] jwk = issuer.key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        for (byte[] secret : List.of(der, jwk)) {
            SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                    .keyID(issuer.key.getKeyID()).build(), claims().build());
            hs.sign(new MACSigner(pad(secret)));
            refused(hs.serialize(), "not signed with RS256");
        }
        // a symmetric key slipped into the JWK set is never used
        byte[] shared = new byte[32];
        OctetSequenceKey oct = new OctetSequenceKey.Builder(shared).keyID("hmac-1").build();
        issuer.publish(new JWKSet(List.of(issuer.key.toPublicJWK(), oct)).toString(false));
        CLOCK.advance(Duration.ofMinutes(16)); // the cache's time to live: the set is fetched again
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("hmac-1").build(), claims().build());
        hs.sign(new MACSigner(shared));
        refused(hs.serialize(), "not signed with RS256");
        // RS512 with the genuine key: not a pinned algorithm
        SignedJWT rs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID(issuer.key.getKeyID()).build(),
                claims().build());
        rs512.sign(new RSASSASigner(issuer.key));
        refused(rs512.serialize(), "not signed with RS256");
        issuer.publish(new JWKSet(issuer.key.toPublicJWK()).toString());
    }

    private static byte[] pad(byte[] secret) {
        return secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
    }

    @Test
    void aRotatedKeyIsFetchedOnceAndUnknownKeyIdsCannotHammerTheIssuer() throws Exception {
        assertThat(call(issuer.token(run())).statusCode()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(31)); // past the last fetch
        long before = authenticator.keyFetches();
        issuer.rotate();
        assertThat(call(issuer.token(run())).statusCode()).as("the new key is fetched for its unknown kid")
                .isEqualTo(200);
        assertThat(authenticator.keyFetches()).isEqualTo(before + 1);

        for (int i = 0; i < 5; i++) {
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("kid-" + i).generate();
            refused(TestOidcIssuer.sign(claims().build(), stranger), "not signed with RS256 by a key the issuer publishes");
        }
        assertThat(authenticator.keyFetches()).as("no refetch within the minimum interval").isEqualTo(before + 1);
        CLOCK.advance(Duration.ofSeconds(31));
        refused(TestOidcIssuer.sign(claims().build(), new RSAKeyGenerator(2048).keyID("kid-late").generate()),
                "by a key the issuer publishes");
        assertThat(authenticator.keyFetches()).as("one refetch once the interval passed").isEqualTo(before + 2);
    }

    @Test
    void aHugeOrSlowKeySetCannotHoldTheServer() throws Exception {
        try (TestOidcIssuer huge = new TestOidcIssuer(CiPlatform.GITHUB_ACTIONS, CLOCK);
             TestOidcIssuer slow = new TestOidcIssuer(CiPlatform.GITHUB_ACTIONS, CLOCK)) {
            StringBuilder padding = new StringBuilder();
            while (padding.length() < 300_000) {
                padding.append("{\"kty\":\"oct\",\"k\":\"").append("A".repeat(1000)).append("\"},");
            }
            huge.publish("{\"keys\":[" + padding + huge.key.toPublicJWK().toJSONString() + "]}");
            OidcAuthenticator toHuge = huge.authenticator(policy()).jwksTimeout(Duration.ofSeconds(2)).build();
            String path = CiPlatform.GITHUB_ACTIONS.jwksUri(slow.issuer()).substring(slow.issuer().length());
            slow.wireMock.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                    .withBody(new JWKSet(slow.key.toPublicJWK()).toString()).withFixedDelay(20_000)));
            OidcAuthenticator toSlow = slow.authenticator(policy()).jwksTimeout(Duration.ofMillis(500)).build();

            for (int i = 0; i < 3; i++) {
                assertRefused(toHuge, huge.token(run()), "signing keys could not be fetched");
                assertRefused(toSlow, slow.token(run()), "signing keys could not be fetched");
            }
            assertThat(toHuge.keyFetches()).as("a failed fetch is not retried within the interval").isEqualTo(1);
            assertThat(toSlow.keyFetches()).isEqualTo(1);
            assertThat(logs.text()).contains("larger than 65536 bytes").contains("no complete answer from");
        }
    }

    private static void assertRefused(OidcAuthenticator a, String token, String reason) {
        tokens.add(token);
        Authentication result = a.authenticate(new AuthenticationRequest("GET", "/v1/canaries", null,
                Map.of("authorization", List.of("Bearer " + token)), InetAddress.getLoopbackAddress(), List.of(),
                CLOCK.instant()));
        assertThat(result).isInstanceOfSatisfying(Authentication.Refused.class,
                r -> assertThat(r.reason()).contains(reason));
    }

    @Test
    void aRepositoryOrRefNoRuleAllowsIsForbiddenWithTheReason() throws Exception {
        HttpResponse<String> other = call(issuer.token(TestOidcIssuer.githubRun("mallory/exfil")));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("no github-actions rule allows repository mallory/exfil (ref refs/heads/main)");

        Map<String, Object> branch = run();
        branch.put("ref", "refs/heads/feature/x");
        HttpResponse<String> ref = call(issuer.token(branch));
        assertThat(ref.statusCode()).isEqualTo(403);
        assertThat(ref.body()).contains("rule deploy allows this repository but ref refs/heads/feature/x is not "
                + "refs/heads/main");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(api.uri() + "/v1/canaries"))
                .header("Authorization", "Bearer " + issuer.token(TestOidcIssuer.githubRun("mallory/exfil")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        answers.add(post.body());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(logs.text()).as("the refusal is audited under the run's identity")
                .contains("\"caller\":\"github:mallory/exfil\"").contains("\"result\":\"refused\"");
    }
}
