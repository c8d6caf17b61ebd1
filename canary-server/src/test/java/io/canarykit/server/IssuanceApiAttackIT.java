package io.canarykit.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.CanaryId;
import io.canarykit.Secret;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each finding of the API security review, replayed as the attack: a caller with one valid token (or none) tries to
 * take over the server's host, starve it, read or revoke another caller's canaries, replay, smuggle control
 * characters, brute-force tokens, crash the parser or get its input echoed back. Every attack must fail.
 */
class IssuanceApiAttackIT {
    private static final String CI_TOKEN = "ci-token-3f9a1c7e5b2d4068a9e1";
    private static final String OTHER_TOKEN = "other-token-77d0c4b1e9a2f3";
    private static final String ADMIN_TOKEN = "admin-token-0c1d2e3f4a5b6c7d";
    private static final String BODY = "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-42\"}}";

    private static ApiTestBed bed;
    private static CanaryService service;
    private IssuanceApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startAws() {
        bed = new ApiTestBed();
        service = bed.service(InMemoryCanaryStore.create());
    }

    @AfterAll
    static void stopAws() {
        service.close();
        bed.close();
    }

    @AfterEach
    void stopApi() {
        if (api != null) {
            api.close();
        }
        for (var r : service.listAll(io.canarykit.store.CanaryQuery.all())) {
            if (r.status().isLive()) {
                service.revoke(r.id());
            }
        }
    }

    private IssuanceApi.Builder callers() {
        return IssuanceApi.builder().service(service)
                .bearerToken("ci", Secret.of(CI_TOKEN))
                .bearerToken("other", Secret.of(OTHER_TOKEN))
                .bearerToken("admin", Secret.of(ADMIN_TOKEN))
                .permissions("admin", CallerPermissions.defaults().withAdmin(true))
                .rateLimit(6000, 1000);
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.uri() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String s) throws IOException {
        return CanaryJson.MAPPER.readTree(s);
    }

    private static Map<Path, String> snapshot(Path dir) throws IOException {
        Map<Path, String> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                out.put(p, Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "<dir>");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ host takeover

    @Test
    void aCallerCannotOverwriteAFileOnTheServer(@TempDir Path dir) throws Exception {
        api = callers().build().start();
        Path victim = dir.resolve("victim.json");
        Files.writeString(victim, "{\"precious\":true}\n");
        Map<Path, String> before = snapshot(dir);
        String path = victim.toString();

        List<String> attacks = List.of(
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":{\"name\":\"credential-process\","
                        + "\"options\":{\"path\":\"" + path + "\",\"overwrite\":\"true\"}}}",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":\"credential-process\"}",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"profile\":\"credential-process\"}",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"profile\":\"return\",\"options\":{\"path\":\"" + path + "\"}}",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":{\"name\":\"env\",\"options\":{\"path\":\""
                        + path + "\"}}}",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":{\"name\":\"aws-credentials-file\","
                        + "\"options\":{\"credentialsFile\":\"" + path + "\",\"profile\":\"x\",\"overwrite\":\"true\"}}}");
        for (String attack : attacks) {
            HttpResponse<String> r = send("POST", "/v1/canaries", attack, CI_TOKEN);
            assertThat(r.statusCode()).as(attack).isEqualTo(400);
            assertThat(r.body()).doesNotContain(path);
        }
        assertThat(snapshot(dir)).as("nothing written, nothing left beside the file").isEqualTo(before);
        assertThat(bed.users()).as("no canary issued").isZero();

        // the later DELETE of such a canary cannot remove the file either: there is no such canary to delete
        assertThat(service.findByAsset("host", "h")).isEmpty();
    }

    @Test
    void aCallerCannotPlantACommandThatTheServerWouldRun(@TempDir Path dir) throws Exception {
        api = callers().build().start();
        Path config = dir.resolve("config");
        Files.writeString(config, "[default]\nregion = eu-west-1\n");
        Path pwned = dir.resolve("pwned");
        Path home = Path.of(System.getProperty("user.home"), ".aws", "config");
        String homeBefore = Files.exists(home) ? Files.readString(home) : null;
        Map<Path, String> before = snapshot(dir);

        String attack = "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":{\"name\":\"credential-process\","
                + "\"options\":{\"path\":\"" + dir.resolve("c.json") + "\",\"configFile\":\"" + config + "\","
                + "\"profile\":\"default\",\"allowDefault\":\"true\",\"command\":\"sh -c 'touch " + pwned + "'\"}}}";
        assertThat(send("POST", "/v1/canaries", attack, CI_TOKEN).statusCode()).isEqualTo(400);
        String noConfigFile = "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"placement\":{\"name\":\"credential-process\","
                + "\"options\":{\"path\":\"" + dir.resolve("c.json") + "\",\"profile\":\"billing\"}}}";
        assertThat(send("POST", "/v1/canaries", noConfigFile, CI_TOKEN).statusCode()).isEqualTo(400);

        assertThat(snapshot(dir)).isEqualTo(before);
        assertThat(Files.readString(config)).doesNotContain("credential_process");
        assertThat(pwned).doesNotExist();
        assertThat(Files.exists(home) ? Files.readString(home) : null).as("the server user's ~/.aws/config")
                .isEqualTo(homeBefore);
        assertThat(bed.users()).isZero();
    }

    @Test
    void profilesPlantOnlyInsideTheirDirectoriesAndOnlyForCallersAllowedThem(@TempDir Path dir) throws Exception {
        Path ci = Files.createDirectories(dir.resolve("ci"));
        Path outside = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(outside.resolve("shadow"), "root:x:0:0\n");
        Files.createSymbolicLink(ci.resolve("escape.env"), outside.resolve("shadow"));
        api = callers()
                .profile(PlacementProfile.of("ci-env", "env", Map.of("path", ci + "/${asset.id}.env", "prefix", "DEPLOY_"),
                        List.of(ci)))
                .permissions("ci", CallerPermissions.defaults().withProfiles(List.of("return", "ci-env"))
                        .withAssetKinds(List.of("ci-build")))
                .build().start();
        Map<Path, String> outsideBefore = snapshot(outside);

        HttpResponse<String> ok = send("POST", "/v1/canaries",
                "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-7\"},\"profile\":\"ci-env\"}", CI_TOKEN);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(json(ok.body()).has("credential")).as("planted, not returned").isFalse();
        assertThat(Files.readString(ci.resolve("run-7.env"))).contains("DEPLOY_AWS_ACCESS_KEY_ID");

        for (String id : List.of("../etc/shadow", "..", "escape", "a/b", "x\u0000y")) {
            HttpResponse<String> r = send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"ci-build\",\"id\":"
                    + Excerpt.jsonString(id) + "},\"profile\":\"ci-env\"}", CI_TOKEN);
            assertThat(r.statusCode()).as(id + ": " + r.body()).isEqualTo(400);
        }
        assertThat(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"r\"},\"profile\":\"ci-env\","
                + "\"options\":{\"path\":\"/tmp/x\"}}", CI_TOKEN).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"r8\"},\"profile\":\"ci-env\"}",
                OTHER_TOKEN).statusCode()).as("other may not use ci-env").isEqualTo(403);
        assertThat(send("POST", "/v1/canaries", "{\"asset\":{\"kind\":\"laptop\",\"id\":\"r9\"},\"profile\":\"ci-env\"}",
                CI_TOKEN).statusCode()).as("ci may not issue for laptops").isEqualTo(403);

        assertThat(snapshot(outside)).isEqualTo(outsideBefore);
        try (Stream<Path> files = Files.list(ci)) {
            // (a lock file beside the target is the placements' to move out of target directories, issue 15)
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")))
                    .containsExactlyInAnyOrder("run-7.env", "escape.env");
        }
        assertThat(bed.users()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------ starvation

    @Test
    void fourSlowConnectionsDoNotDelayAFifthCaller() throws Exception {
        api = callers().limits(ServerLimits.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(60))).build().start();
        URI base = api.uri();
        assertThat(send("GET", "/v1/canaries?asset=host/warm", null, CI_TOKEN).statusCode()).isEqualTo(200);
        List<Socket> slow = new ArrayList<>();
        try {
            // two send a Content-Length and no body, unauthenticated; two send their head one byte at a time
            for (int i = 0; i < 2; i++) {
                Socket s = RawHttp.connect(base, null);
                s.getOutputStream().write(("POST /v1/canaries HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            for (int i = 0; i < 2; i++) {
                Socket s = RawHttp.connect(base, null);
                s.getOutputStream().write("POST /v1/can".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            // and four more that authenticate and then never send the body they announced
            for (int i = 0; i < 4; i++) {
                Socket s = RawHttp.connect(base, null);
                s.getOutputStream().write(("POST /v1/canaries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + CI_TOKEN
                        + "\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            for (Socket s : slow.subList(2, 4)) {
                s.getOutputStream().write('a');
            }

            HttpRequest fifth = HttpRequest.newBuilder(URI.create(base + "/v1/canaries?asset=host/h1"))
                    .header("Authorization", "Bearer " + OTHER_TOKEN).timeout(Duration.ofSeconds(1)).GET().build();
            assertThat(HttpClient.newHttpClient().send(fifth, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("answered within a second while the slow connections hang").isEqualTo(200);
            HttpRequest health = HttpRequest.newBuilder(URI.create(base + CanaryHttpServer.LIVENESS))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            assertThat(HttpClient.newHttpClient().send(health, HttpResponse.BodyHandlers.ofString()).body())
                    .contains("UP");

            // the unauthenticated ones were answered 401 without their body being waited for
            for (Socket s : slow.subList(0, 2)) {
                s.setSoTimeout(5000);
                assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(401);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void connectionsThatDripTheirHeadOrBodyAreCutOff() throws Exception {
        api = callers().limits(ServerLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(30))).build().start();
        try (Socket drip = RawHttp.connect(api.uri(), null)) {
            drip.setSoTimeout(200);
            OutputStream out = drip.getOutputStream();
            out.write("GET /v1/canaries?asset=host/h HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) { // at most 8 s of one byte every 200 ms
                try {
                    out.write('a');
                    out.flush();
                    closed = drip.getInputStream().read() == -1;
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closed).as("a head that takes longer than header-timeout is cut off").isTrue();
        }
        try (Socket body = RawHttp.connect(api.uri(), null)) {
            body.setSoTimeout(8000);
            body.getOutputStream().write(("POST /v1/canaries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + CI_TOKEN
                    + "\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(body.getInputStream());
            assertThat(r.status()).as("a body that takes longer than body-timeout").isEqualTo(408);
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
        api = callers().limits(ServerLimits.defaults().withMaxConnectionsPerAddress(3)).build().start();
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(RawHttp.connect(api.uri(), attacker));
            }
            Thread.sleep(200); // the server has counted them
            try (Socket fourth = RawHttp.connect(api.uri(), attacker)) {
                fourth.setSoTimeout(3000);
                InputStream in = fourth.getInputStream();
                int read;
                try {
                    fourth.getOutputStream().write(RawHttp.request("GET", "/health/live", null, null));
                    read = in.read();
                } catch (IOException e) {
                    read = -1;
                }
                assertThat(read).as("the fourth connection from one address is closed").isEqualTo(-1);
            }
            assertThat(send("GET", "/v1/canaries?asset=host/h", null, CI_TOKEN).statusCode())
                    .as("another address is served").isEqualTo(200);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ ownership

    @Test
    void callersSeeAndRevokeOnlyTheirOwnCanaries() throws Exception {
        api = callers().build().start();
        HttpResponse<String> created = send("POST", "/v1/canaries", BODY, CI_TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created.body()).get("canaryId").asText();

        assertThat(send("GET", "/v1/canaries/" + id, null, OTHER_TOKEN).statusCode()).isEqualTo(404);
        assertThat(json(send("GET", "/v1/canaries?asset=ci-build/run-42", null, OTHER_TOKEN).body()).get("canaries"))
                .isEmpty();
        HttpResponse<String> delete = send("DELETE", "/v1/canaries/" + id, null, OTHER_TOKEN);
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(delete.body()).isEqualTo(send("DELETE", "/v1/canaries/01JDQ3Z8ZK4M6X9V2B7N5C1A0E", null, OTHER_TOKEN)
                .body().replace("01JDQ3Z8ZK4M6X9V2B7N5C1A0E", id));
        assertThat(service.find(CanaryId.parse(id)).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(bed.users()).isEqualTo(1);

        assertThat(send("GET", "/v1/canaries/" + id, null, ADMIN_TOKEN).statusCode()).as("admin reads all").isEqualTo(200);
        assertThat(json(send("GET", "/v1/canaries?asset=ci-build/run-42", null, CI_TOKEN).body()).get("canaries"))
                .hasSize(1);
        assertThat(send("DELETE", "/v1/canaries/" + id, null, CI_TOKEN).statusCode()).isEqualTo(200);
        assertThat(bed.users()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ credentials

    @Test
    void aBearerTokenWithAnythingAfterItIsRefused() throws Exception {
        api = callers().build().start();
        URI base = api.uri();
        RawHttp.Reply control = RawHttp.send(base, RawHttp.request("GET", "/v1/canaries?asset=host/h", "Bearer " + CI_TOKEN,
                null));
        assertThat(control.status()).as("positive control").isEqualTo(200);
        for (String value : List.of("Bearer " + CI_TOKEN + "\u0000", "Bearer " + CI_TOKEN + "\u0001",
                "Bearer " + CI_TOKEN + "\u000b", "Bearer  " + CI_TOKEN, "Bearer " + CI_TOKEN + " x",
                "Bearer " + CI_TOKEN + "\u00a0", "Bearer\t" + CI_TOKEN, "Bearer " + CI_TOKEN + "\u007f")) {
            byte[] req = RawHttp.request("GET", "/v1/canaries?asset=host/h", value, null);
            RawHttp.Reply r = RawHttp.send(base, req);
            assertThat(r.status()).as(value.replace("\u0000", "\\0")).isIn(400, 401);
            assertThat(r.body()).doesNotContain(CI_TOKEN);
        }
        byte[] twice = ("GET /v1/canaries?asset=host/h HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + OTHER_TOKEN
                + "\r\nAuthorization: Bearer " + CI_TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(RawHttp.send(base, twice).status()).as("two Authorization headers").isIn(400, 401);
    }

    @Test
    void failedAuthenticationsAreRateLimitedPerAddressAndLogged() throws Exception {
        api = callers().limits(ServerLimits.defaults().withFailedAuth(10, 20)).build().start();
        URI base = api.uri();
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        int unauthorized = 0;
        int limited = 0;
        try (ApiTestBed.Logs logs = new ApiTestBed.Logs()) {
            for (int i = 0; i < 60; i++) {
                RawHttp.Reply r = RawHttp.send(base, attacker, RawHttp.request("GET", "/v1/canaries?asset=host/h",
                        "Bearer wrong-token-" + i + "-0123456789", null), 5000);
                if (r.status() == 401) {
                    unauthorized++;
                } else if (r.status() == 429) {
                    limited++;
                    assertThat(r.head()).contains("Retry-After");
                }
            }
            RawHttp.Reply right = RawHttp.send(base, attacker, RawHttp.request("GET", "/v1/canaries?asset=host/h",
                    "Bearer " + CI_TOKEN, null), 5000);
            assertThat(right.status()).as("even the right token waits while the address is locked out").isEqualTo(429);
            assertThat(RawHttp.send(base, attacker, RawHttp.request("GET", CanaryHttpServer.LIVENESS, null, null), 5000)
                    .status()).as("health checks still answer").isEqualTo(200);
            assertThat(send("GET", "/v1/canaries?asset=host/h", null, CI_TOKEN).statusCode())
                    .as("other addresses are not affected").isEqualTo(200);

            List<ILoggingEvent> warnings = logs.events().stream()
                    .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("127.0.0.3")).toList();
            assertThat(warnings).as("the lock-out is logged once").hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage()).contains("failed-authentication limit");
            assertThat(logs.text()).contains("authentication failed from 127.0.0.3").doesNotContain("wrong-token-");
        }
        assertThat(unauthorized).isEqualTo(20);
        assertThat(limited).isEqualTo(40);
    }

    // ------------------------------------------------------------------------------------------------ input

    @Test
    void deepOrHugeJsonIsA400WithoutAStackTrace() throws Exception {
        api = callers().build().start();
        try (ApiTestBed.Logs logs = new ApiTestBed.Logs()) {
            for (String body : List.of("[".repeat(60_000), "{\"asset\":" + "{\"a\":".repeat(5000),
                    "{\"asset\":{\"kind\":\"host\",\"id\":\"h\"},\"kind\":" + "9".repeat(60_000) + "}",
                    "{\"asset\":{\"kind\":\"host\",\"id\":\"h\",\"labels\":{\"n\":" + "1".repeat(30_000) + ".5}}}",
                    "{\"" + "k".repeat(50_000) + "\":1}")) {
                HttpResponse<String> r = send("POST", "/v1/canaries", body, CI_TOKEN);
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(r.body().length()).isLessThan(400);
                assertThat(r.body()).doesNotContain("99999").doesNotContain("kkkkk").doesNotContain("at com.");
            }
            assertThat(logs.events()).as("nothing logged with a stack trace or above INFO")
                    .noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.WARN));
        }
        assertThat(bed.users()).isZero();
    }

    @Test
    void anythingAfterTheJsonBodyIsRefused() throws Exception {
        api = callers().build().start();
        for (String body : List.of(BODY + "garbage", BODY + "{}", BODY + BODY, BODY + "\u0000", BODY + " ]",
                "{\"asset\":{\"kind\":\"host\",\"id\":\"a\"},\"asset\":{\"kind\":\"host\",\"id\":\"b\"}}")) {
            HttpResponse<String> r = send("POST", "/v1/canaries", body, CI_TOKEN);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
        }
        assertThat(send("POST", "/v1/canaries", BODY + " \n\t", CI_TOKEN).statusCode()).as("whitespace is fine")
                .isEqualTo(201);
        assertThat(bed.users()).isEqualTo(1);
    }

    @Test
    void aLongPathIsNotEchoed() throws Exception {
        api = callers().build().start();
        URI base = api.uri();
        String marker = "Z".repeat(4000);
        for (String path : List.of("/v1/canaries/" + marker, "/" + marker, "/v1/" + marker + "%0a%1b[31m")) {
            RawHttp.Reply r = RawHttp.send(base, RawHttp.request("GET", path, "Bearer " + CI_TOKEN, null));
            assertThat(r.status()).as(path.substring(0, 20)).isIn(400, 404);
            assertThat(r.body()).startsWith("{\"error\":");
            assertThat(r.body().length()).isLessThan(400);
            assertThat(r.body()).doesNotContain("Z".repeat(Excerpt.MAX + 1)).doesNotContain("\u001b");
        }
        RawHttp.Reply tooLong = RawHttp.send(base, RawHttp.request("GET", "/v1/canaries/" + "Z".repeat(10_000),
                "Bearer " + CI_TOKEN, null));
        assertThat(tooLong.status()).isIn(414, 431, 400);
        assertThat(tooLong.body()).startsWith("{\"error\":").doesNotContain("ZZZZ");
        assertThat(tooLong.body().length()).isLessThan(200);
        assertThat(Set.of(tooLong.head().split("\r\n"))).noneMatch(h -> h.startsWith("Server:"));
    }
}
