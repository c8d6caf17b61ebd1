package io.canarykit.server;

import io.canarykit.Secret;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorsTest {
    private static final String TOKEN = "tok-3f9a1c7e5b2d4068a9e1";
    private static final Secret KEY = Secret.of("hmac-key-0123456789abcdef");
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static AuthenticationRequest request(String method, String path, String... authorization) {
        return new AuthenticationRequest(method, path, null, authorization.length == 0 ? Map.of()
                : Map.of("authorization", List.of(authorization)), InetAddress.getLoopbackAddress(), List.of(), NOW);
    }

    @Test
    void bearerTokensMatchExactly() {
        BearerTokenAuthenticator a = BearerTokenAuthenticator.builder().token("ci", Secret.of(TOKEN)).build();
        assertThat(a.authenticate(request("GET", "/v1/canaries", "Bearer " + TOKEN)))
                .isEqualTo(Authentication.accepted(CallerIdentity.of("ci", "bearer")));
        assertThat(a.authenticate(request("GET", "/v1/canaries", "bearer " + TOKEN)))
                .isInstanceOf(Authentication.Accepted.class);
        for (String bad : List.of(TOKEN + "\u0000", TOKEN + " ", " " + TOKEN, TOKEN + "\t", TOKEN + "x",
                TOKEN.substring(1), TOKEN + "\u00a0")) {
            assertThat(a.authenticate(request("GET", "/", "Bearer " + bad))).as(bad)
                    .isInstanceOf(Authentication.Refused.class);
        }
        assertThat(a.authenticate(request("GET", "/", "Bearer " + TOKEN, "Bearer " + TOKEN)))
                .isInstanceOf(Authentication.Refused.class);
        assertThat(a.authenticate(request("GET", "/"))).isEqualTo(Authentication.notApplicable());
        assertThat(a.authenticate(request("GET", "/", "Basic Y2k6eA=="))).isEqualTo(Authentication.notApplicable());
        Authentication.Refused r = (Authentication.Refused) a.authenticate(request("GET", "/", "Bearer " + TOKEN + "zz"));
        assertThat(r.reason()).doesNotContain(TOKEN);
    }

    @Test
    void hmacChecksTheSignatureBeforeTheBodyAndAcceptsItOnce() {
        HmacAuthenticator a = HmacAuthenticator.builder().key("prov", KEY).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .replayGuard(InMemoryReplayGuard.create(Clock.fixed(NOW, ZoneOffset.UTC))).build();
        byte[] body = "{\"asset\":{}}".getBytes(StandardCharsets.UTF_8);
        String auth = HmacAuthenticator.authorization("prov", KEY, "POST", "/v1/canaries", NOW.getEpochSecond(), body);
        Authentication first = a.authenticate(request("POST", "/v1/canaries", auth));
        assertThat(first).isInstanceOf(Authentication.Accepted.class);
        Authentication.BodyCheck check = ((Authentication.Accepted) first).bodyCheck();
        assertThat(check.refusal(body)).isNull();
        assertThat(check.refusal("{\"asset\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8))).contains("content-sha256");
        assertThat(a.authenticate(request("POST", "/v1/canaries", auth))).isEqualTo(
                Authentication.refused("this signature was already used; sign each request anew"));
        String wrongPath = HmacAuthenticator.authorization("prov", KEY, "POST", "/v1/other", NOW.getEpochSecond(), body);
        assertThat(a.authenticate(request("POST", "/v1/canaries", wrongPath))).isInstanceOf(Authentication.Refused.class);
        String stale = HmacAuthenticator.authorization("prov", KEY, "POST", "/v1/canaries", NOW.getEpochSecond() - 600, body);
        assertThat(((Authentication.Refused) a.authenticate(request("POST", "/v1/canaries", stale))).reason())
                .contains("minutes away");
        String unknown = HmacAuthenticator.authorization("nobody", KEY, "POST", "/v1/canaries", NOW.getEpochSecond(), body);
        assertThat(a.authenticate(request("POST", "/v1/canaries", unknown))).isInstanceOf(Authentication.Refused.class);
        assertThat(a.authenticate(request("POST", "/v1/canaries", auth + "\u0000"))).isInstanceOf(Authentication.Refused.class);
    }

    @Test
    void olderClientsWithoutTheBodyHashAreCheckedOverTheBody() {
        HmacAuthenticator a = HmacAuthenticator.builder().key("prov", KEY).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .replayGuard(InMemoryReplayGuard.create(Clock.fixed(NOW, ZoneOffset.UTC))).build();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String full = HmacAuthenticator.authorization("prov", KEY, "POST", "/v1/canaries", NOW.getEpochSecond(), body);
        String legacy = full.replaceAll("content-sha256=[0-9a-f]{64}, ", "");
        Authentication.Accepted accepted = (Authentication.Accepted) a.authenticate(request("POST", "/v1/canaries", legacy));
        assertThat(accepted.bodyCheck().refusal("{ }".getBytes(StandardCharsets.UTF_8))).isEqualTo("invalid signature");
        assertThat(accepted.bodyCheck().refusal(body)).isNull();
        assertThat(accepted.bodyCheck().refusal(body)).contains("already used");
    }
}
