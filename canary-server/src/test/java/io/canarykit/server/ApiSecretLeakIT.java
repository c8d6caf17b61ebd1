package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryService;
import io.canarykit.Secret;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secret-leak test of the issuance API, audit log included: with every log line captured at DEBUG and the audit
 * log written to a file, a whole round of issuing (returned and planted), reading, refused attempts and revoking
 * leaves no secret access key, bearer token, HMAC key or signature in any log line or audit line. Positive controls:
 * the secret did reach the caller, and the audit log does name the callers and canaries.
 */
class ApiSecretLeakIT {
    private static final String TOKEN = "leak-token-3f9a1c7e5b2d4068a9e1";
    private static final String WRONG = "guess-token-0000000000000001";
    private static final Secret KEY = Secret.of("leak-hmac-key-0123456789abcdef");

    @Test
    void noSecretReachesALogLineOrTheAuditLog(@TempDir Path dir) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Path envs = Files.createDirectories(dir.resolve("envs"));
        HttpClient http = HttpClient.newHttpClient();
        List<String> secrets = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        String logText;
        try (ApiTestBed bed = new ApiTestBed();
             CanaryService service = bed.service(InMemoryCanaryStore.create());
             ApiTestBed.Logs logs = new ApiTestBed.Logs();
             IssuanceApi api = IssuanceApi.builder().service(service).bearerToken("ci", Secret.of(TOKEN))
                     .hmacKey("provisioner", KEY).auditLog(AuditLog.file(audit))
                     .profile(PlacementProfile.of("env-file", "env", Map.of("path", envs + "/${asset.id}.env"),
                             List.of(envs)))
                     .permissions("ci", CallerPermissions.defaults().withProfiles(List.of("return", "env-file")))
                     .build().start()) {
            URI base = api.uri();
            // returned to the caller, with a bearer token
            JsonNode returned = post(http, base, "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-1\"}}", "Bearer " + TOKEN);
            secrets.add(returned.at("/credential/secretAccessKey").asText());
            // returned, HMAC-signed
            String body = "{\"asset\":{\"kind\":\"host\",\"id\":\"h-2\"}}";
            String sig = IssuanceApi.signature("provisioner", KEY, "POST", "/v1/canaries", Instant.now().getEpochSecond(),
                    body.getBytes(StandardCharsets.UTF_8));
            signatures.add(sig.substring(sig.indexOf("signature=") + 10));
            JsonNode signed = post(http, base, body, sig);
            secrets.add(signed.at("/credential/secretAccessKey").asText());
            // a replay, a wrong token, a permission refusal
            post(http, base, body, sig);
            post(http, base, body, "Bearer " + WRONG);
            String refused = "{\"asset\":{\"kind\":\"host\",\"id\":\"h-3\"},\"profile\":\"env-file\"}";
            String sig2 = IssuanceApi.signature("provisioner", KEY, "POST", "/v1/canaries", Instant.now().getEpochSecond(),
                    refused.getBytes(StandardCharsets.UTF_8));
            signatures.add(sig2.substring(sig2.indexOf("signature=") + 10));
            assertThat(post(http, base, refused, sig2).get("error").asText()).contains("may not use");
            // planted on the server
            JsonNode planted = post(http, base, "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-3\"},\"profile\":\"env-file\"}",
                    "Bearer " + TOKEN);
            for (String line : Files.readAllLines(envs.resolve("run-3.env"))) {
                if (line.startsWith("AWS_SECRET_ACCESS_KEY=")) {
                    secrets.add(line.substring(line.indexOf('=') + 1).replace("\"", "").replace("'", ""));
                }
            }
            for (JsonNode c : List.of(returned, signed, planted)) {
                String id = c.get("canaryId").asText();
                http.send(HttpRequest.newBuilder(URI.create(base + "/v1/canaries/" + id))
                        .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
                http.send(HttpRequest.newBuilder(URI.create(base + "/v1/canaries/" + id))
                        .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            }
            logText = logs.text();
        }
        String auditText = Files.readString(audit);

        // positive controls
        assertThat(secrets).hasSize(3).allSatisfy(s -> assertThat(s).hasSize(40));
        assertThat(logText).contains("authentication failed");
        assertThat(auditText.lines()).hasSizeGreaterThanOrEqualTo(9);
        assertThat(auditText).contains("\"caller\":\"ci\"").contains("\"caller\":\"provisioner\"")
                .contains("\"action\":\"issue\"").contains("\"action\":\"revoke\"").contains("\"result\":\"refused\"")
                .contains("\"asset\":\"ci-build/run-3\"").contains("\"profile\":\"env-file\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit))).isEqualTo("rw-------");

        List<String> forbidden = new ArrayList<>(secrets);
        forbidden.addAll(signatures);
        forbidden.add(TOKEN);
        forbidden.add(WRONG);
        forbidden.add(KEY.reveal());
        for (String secret : forbidden) {
            assertThat(logText).as("log lines").doesNotContain(secret);
            assertThat(auditText).as("audit log").doesNotContain(secret);
        }
    }

    private static JsonNode post(HttpClient http, URI base, String body, String authorization) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/canaries"))
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return CanaryJson.MAPPER.readTree(r.body());
    }
}
