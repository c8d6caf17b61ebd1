package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryService;
import io.canarykit.Secret;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The issuance API over real HTTP, issuing real (emulated) AWS canaries. */
class IssuanceApiIT {
    private static final String TOKEN = "tok-3f9a1c7e5b2d4068a9e1";
    private static final Secret HMAC_KEY = Secret.of("hmac-key-for-the-provisioner-0123456789");
    private static final String BODY = "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-42\",\"labels\":{\"repo\":\"payments\"}}}";

    private AwsEmulator aws;
    private CanaryService service;
    private IssuanceApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        aws = AwsEmulator.start();
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        IamUserIssuer issuer = IamUserIssuer.builder().iam(aws.iam()).sts(aws.sts()).accountId(aws.accountId()).build();
        service = CanaryService.builder().store(store)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create()).build();
        api = IssuanceApi.builder().service(service).bearerToken("ci", Secret.of(TOKEN))
                .hmacKey("provisioner", HMAC_KEY).rateLimit(600, 50).build().start();
    }

    @AfterEach
    void stop() {
        api.close();
        service.close();
        aws.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return CanaryJson.MAPPER.readTree(r.body());
    }

    @Test
    void issuesReturnsTheCredentialOnceListsAndRevokes() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/canaries", BODY, "Bearer " + TOKEN);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode c = json(created);
        String id = c.get("canaryId").asText();
        String secret = c.at("/credential/secretAccessKey").asText();
        assertThat(secret).hasSize(40);
        assertThat(c.at("/credential/accessKeyId").asText()).isEqualTo(c.get("accessKeyId").asText()).startsWith("AKIA");
        assertThat(c.at("/fingerprint/verdict").asText()).isEqualTo("clean");
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(1);

        HttpResponse<String> listed = send("GET", "/v1/canaries?asset=ci-build/run-42", null, "Bearer " + TOKEN);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(json(listed).at("/canaries/0/canaryId").asText()).isEqualTo(id);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("secretAccessKey");
        HttpResponse<String> one = send("GET", "/v1/canaries/" + id, null, "Bearer " + TOKEN);
        assertThat(one.body()).doesNotContain(secret);
        assertThat(json(one).at("/asset/labels/repo").asText()).isEqualTo("payments");

        HttpResponse<String> deleted = send("DELETE", "/v1/canaries/" + id, null, "Bearer " + TOKEN);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).get("status").asText()).isEqualTo("REVOKED");
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
    }

    @Test
    void hmacSignedRequestsWorkOnceAndOnlyWithTheRightKey() throws Exception {
        long now = Instant.now().getEpochSecond();
        String auth = IssuanceApi.signature("provisioner", HMAC_KEY, "POST", "/v1/canaries", now,
                BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(send("POST", "/v1/canaries", BODY, auth).statusCode()).isEqualTo(201);
        HttpResponse<String> replay = send("POST", "/v1/canaries", BODY, auth);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(json(replay).get("error").asText()).contains("already used");

        String tampered = IssuanceApi.signature("provisioner", HMAC_KEY, "POST", "/v1/canaries", now + 1,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(send("POST", "/v1/canaries", BODY.replace("run-42", "run-43"), tampered).statusCode()).isEqualTo(401);
        String wrongKey = IssuanceApi.signature("provisioner", Secret.of("not-the-key"), "POST", "/v1/canaries", now + 2,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(send("POST", "/v1/canaries", BODY, wrongKey).statusCode()).isEqualTo(401);
        String stale = IssuanceApi.signature("provisioner", HMAC_KEY, "POST", "/v1/canaries", now - 3600,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(json(send("POST", "/v1/canaries", BODY, stale)).get("error").asText()).contains("minutes away");
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(1);
    }

    @Test
    void unauthenticatedRequestsAreRefusedBeforeAnything() throws Exception {
        assertThat(send("POST", "/v1/canaries", BODY, null).statusCode()).isEqualTo(401);
        HttpResponse<String> bad = send("POST", "/v1/canaries", BODY, "Bearer " + TOKEN + "x");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain(TOKEN);
        assertThat(send("GET", "/v1/canaries?asset=a/b", null, "Basic Y2k6eA==").statusCode()).isEqualTo(401);
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
    }

    @Test
    void invalidInputGetsAClear4xx() throws Exception {
        String auth = "Bearer " + TOKEN;
        HttpResponse<String> badJson = send("POST", "/v1/canaries", "{\"asset\":", auth);
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(json(badJson).get("error").asText()).contains("invalid JSON at line 1");
        HttpResponse<String> quoting = send("POST", "/v1/canaries", "{\"asset\": wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY}", auth);
        assertThat(quoting.statusCode()).isEqualTo(400);
        assertThat(quoting.body()).as("errors never echo what was sent").doesNotContain("wJalrXUtnFEMI");
        assertThat(json(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"host\"}}", auth)).get("error").asText())
                .contains("asset.id");
        assertThat(json(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"Bad Kind\",\"id\":\"x\"}}", auth))
                .get("error").asText()).contains("invalid asset kind");
        assertThat(json(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"colour\":\"red\"}", auth))
                .get("error").asText()).contains("unknown field 'colour'");
        assertThat(json(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"kind\":\"root\"}", auth))
                .get("error").asText()).contains("unknown credential kind");
        assertThat(json(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"host\",\"id\":\"h\",\"labels\":{\"n\":1}}}", auth))
                .get("error").asText()).contains("asset.labels.n");
        assertThat(send("GET", "/v1/canaries?asset=nokind", null, auth).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/canaries/01JDQ3Z8ZK4M6X9V2B7N5C1A0E", null, auth).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/v1/canaries/01JDQ3Z8ZK4M6X9V2B7N5C1A0E", null, auth).statusCode()).isEqualTo(404);
        HttpResponse<String> put = send("PUT", "/v1/canaries", BODY, auth);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("GET, POST");
        // A body over the limit is refused before it is read, and the connection closed: a client that sends only
        // the head gets the answer. One that pushes the body anyway may meet the close first (the kernel resets a
        // connection closed with unread data), which is how this test used to fail under load.
        String oversized = "{\"x\":\"" + "a".repeat(70_000) + "\"}";
        RawHttp.Reply tooLarge = RawHttp.send(api.uri(), ("POST /v1/canaries HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: " + auth + "\r\nContent-Type: application/json\r\nContent-Length: "
                + oversized.length() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.head()).containsIgnoringCase("Connection: close");
        assertThat(tooLarge.body()).contains("canary.api.max-body-bytes");
        try {
            assertThat(send("POST", "/v1/canaries", oversized, auth).statusCode()).isEqualTo(413);
        } catch (IOException reset) {
            // refused all the same: the server closed the connection without reading the body
        }
        assertThat(send("GET", "/v2/things", null, auth).statusCode()).isEqualTo(404);
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
    }

    @Test
    void callersAreRateLimited() throws Exception {
        api.close();
        api = IssuanceApi.builder().service(service).bearerToken("ci", Secret.of(TOKEN)).rateLimit(1, 3).build().start();
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = send("GET", "/v1/canaries?asset=host/h" + i, null, "Bearer " + TOKEN);
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(limited).isEqualTo(5);
    }
}
