package io.canarykit.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.canarykit.CanaryService;
import io.canarykit.Secret;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated requests against the whole request path (HTTP parsing, authentication, body reading, JSON,
 * routing, query strings, permissions): bodies, headers, paths and methods, raw over sockets so that nothing is
 * normalised on the way. No answer may be a 5xx, and nothing may be logged as an unexpected error. The seed is fixed
 * (override with {@code -Dfuzz.seed=N}, more requests with {@code -Dfuzz.requests=N}) and printed with any failure.
 */
class RequestFuzzIT {
    private static final String TOKEN = "fuzz-token-3f9a1c7e5b2d4068a9e1";
    private static final Secret KEY = Secret.of("fuzz-hmac-key-0123456789abcdef");
    private static final String[] METHODS = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE",
            "CONNECT", "FOO", "get", "P\u00d6ST"};
    private static final String[] PATHS = {"/v1/canaries", "/v1/canaries?asset=host/h", "/v1/canaries/%s",
            "/v1/canaries?asset=ci-build/run-1&asset=x", "/v1/canaries?asset=%zz", "/v1/canaries/../canaries",
            "/v1//canaries", "/v1/canaries/%2e%2e/x", "/health/live", "/v1/", "/", "/v1/canaries?",
            "/v1/canaries/%s?x=1", "/v1/canaries;a=b", "/v1/canaries%00", "/v1/can%61ries", "*", "http://x/v1/canaries"};
    private static final String[] BODIES = {
        "{\"asset\":{\"kind\":\"host\",\"id\":\"h1\"}}",
        "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-1\",\"labels\":{\"repo\":\"payments\"}},\"profile\":\"return\","
                + "\"kind\":\"iam-user\"}",
        "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-2\"},\"placement\":\"return\"}",
        "{\"asset\":{\"kind\":\"host\",\"id\":\"h2\"},\"profile\":\"envs\",\"options\":{\"prefix\":\"X_\"}}",
        "{\"asset\":{\"kind\":\"host\",\"id\":\"h3\"},\"placement\":{\"name\":\"env\",\"options\":{\"path\":\"/tmp/x\"}}}",
    };
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999999",
            "-0", "123456789012345678901234567890", "\\u0000", "\\ud800", "\u0000", "\u00ff", "\ud83d\ude00", "\\",
            "/*", "NaN", "'", "\r\n", "${asset.id}", "../", "%00", "\u202e", "{\"a\":", "\"asset\"", "\"kind\":\"root\""};

    @Test
    void noRequestGetsA5xx(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261207L);
        int requests = Integer.getInteger("fuzz.requests", 1000);
        Random rnd = new Random(seed);
        ServerLimits limits = ServerLimits.defaults().withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300),
                Duration.ofSeconds(5)).withFailedAuth(1e9, 1_000_000);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (ApiTestBed bed = new ApiTestBed();
             CanaryService service = bed.service(InMemoryCanaryStore.create());
             ApiTestBed.Logs logs = new ApiTestBed.Logs();
             IssuanceApi api = IssuanceApi.builder().service(service).bearerToken("fuzz", Secret.of(TOKEN))
                     .hmacKey("signer", KEY).rateLimit(1e9, 1_000_000).limits(limits)
                     .profile(PlacementProfile.of("envs", "env", Map.of("path", dir + "/${asset.id}.env"),
                             List.of(dir)).withCallerOptions(java.util.Set.of("prefix")))
                     .permissions("fuzz", CallerPermissions.defaults().withProfiles(List.of("*")))
                     .build().start()) {
            URI base = api.uri();
            String someId = issueOne(base);
            for (int i = 0; i < requests; i++) {
                byte[] request = request(rnd, someId);
                RawHttp.Reply r = RawHttp.send(base, null, request, 5000);
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() >= 500) {
                    failures.add("#" + i + " " + r.status() + " " + Excerpt.of(new String(request,
                            StandardCharsets.ISO_8859_1)) + " -> " + Excerpt.message(r.body()));
                }
            }
            List<ILoggingEvent> unexpected = logs.events().stream()
                    .filter(e -> e.getLoggerName().startsWith("io.canarykit")
                            && (e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null
                                || e.getFormattedMessage().contains("unexpected")))
                    .toList();
            System.out.println("fuzz seed " + seed + ", " + requests + " requests, statuses " + statuses);
            assertThat(failures).as("5xx answers (seed " + seed + ")").isEmpty();
            assertThat(unexpected).as("unexpected errors logged (seed " + seed + ")").isEmpty();
            assertThat(statuses.keySet()).as("the fuzz reached the API: successes and refusals")
                    .contains(200, 201, 400, 401, 404);
        }
    }

    private static String issueOne(URI base) throws Exception {
        RawHttp.Reply r = RawHttp.send(base, null, RawHttp.request("POST", "/v1/canaries", "Bearer " + TOKEN, BODIES[0]), 60_000);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return CanaryJson.MAPPER.readTree(r.body()).get("canaryId").asText();
    }

    private static byte[] request(Random rnd, String id) {
        String method = rnd.nextInt(4) == 0 ? pick(rnd, METHODS) : rnd.nextBoolean() ? "POST" : "GET";
        String path = method.equals("POST") && rnd.nextBoolean() ? "/v1/canaries"
                : pick(rnd, PATHS).replace("%s", rnd.nextInt(3) == 0 ? mutate(rnd, id) : id);
        if (rnd.nextInt(6) == 0) {
            path = mutate(rnd, path);
        }
        byte[] body = method.equals("POST") || rnd.nextInt(8) == 0 ? body(rnd) : null;
        String auth;
        switch (rnd.nextInt(7)) {
            case 0: auth = null; break;
            case 1: auth = mutate(rnd, "Bearer " + TOKEN); break;
            case 2: auth = IssuanceApi.signature("signer", KEY, method, path, Instant.now().getEpochSecond(),
                    body == null ? new byte[0] : body); break;
            case 3: auth = mutate(rnd, IssuanceApi.signature("signer", KEY, method, path,
                    Instant.now().getEpochSecond(), body == null ? new byte[0] : body)); break;
            default: auth = "Bearer " + TOKEN;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        if (auth != null) {
            write(out, "Authorization: " + auth + "\r\n");
        }
        int extra = rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0;
        for (int i = 0; i < extra; i++) {
            write(out, header(rnd, auth) + "\r\n");
        }
        if (body != null) {
            int length = body.length;
            switch (rnd.nextInt(12)) {
                case 0: write(out, "Content-Length: " + (length + 1 + rnd.nextInt(5)) + "\r\n"); break; // waits: 408
                case 1: write(out, "Content-Length: " + Math.max(0, length - 1 - rnd.nextInt(3)) + "\r\n"); break;
                case 2: write(out, "Content-Length: -1\r\n"); break;
                case 3: write(out, "Content-Length: 99999999999999999999\r\n"); break;
                case 4: write(out, "Transfer-Encoding: chunked\r\n"); body = chunked(rnd, body); break;
                default: write(out, "Content-Length: " + length + "\r\n");
            }
        }
        write(out, "Connection: close\r\n\r\n");
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static byte[] body(Random rnd) {
        String base = pick(rnd, BODIES);
        switch (rnd.nextInt(6)) {
            case 0: return base.getBytes(StandardCharsets.UTF_8);
            case 1: return randomJson(rnd, 0).getBytes(StandardCharsets.UTF_8);
            case 2: {
                byte[] b = base.getBytes(StandardCharsets.UTF_8);
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            default: return mutate(rnd, base).getBytes(rnd.nextInt(5) == 0 ? StandardCharsets.ISO_8859_1
                    : StandardCharsets.UTF_8);
        }
    }

    private static String randomJson(Random rnd, int depth) {
        switch (depth > 12 ? 0 : rnd.nextInt(6)) {
            case 0: return pick(rnd, new String[]{"1", "-2.5e300", "\"s\"", "null", "false",
                    "9".repeat(1 + rnd.nextInt(40)), "\"" + "x".repeat(rnd.nextInt(300)) + "\"", "\"\\ud800\""});
            case 1: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append(randomJson(rnd, depth + 1));
                }
                return b.append(']').toString();
            }
            default: {
                StringBuilder b = new StringBuilder("{");
                String[] keys = {"asset", "kind", "id", "labels", "profile", "placement", "options", "name", "x"};
                for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append('"').append(pick(rnd, keys)).append("\":")
                            .append(randomJson(rnd, depth + 1));
                }
                return b.append('}').toString();
            }
        }
    }

    private static String mutate(Random rnd, String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
            int at = b.length() == 0 ? 0 : rnd.nextInt(b.length());
            switch (rnd.nextInt(5)) {
                case 0: b.insert(at, pick(rnd, FRAGMENTS)); break;
                case 1: if (b.length() > 0) { b.deleteCharAt(at); } break;
                case 2: if (b.length() > 0) { b.setCharAt(at, (char) rnd.nextInt(256)); } break;
                case 3: b.setLength(at); break;
                default: b.insert(at, b.substring(at, Math.min(b.length(), at + rnd.nextInt(20))));
            }
        }
        return b.toString();
    }

    private static String header(Random rnd, String auth) {
        switch (rnd.nextInt(6)) {
            case 0: return "Authorization: " + (auth == null ? "Bearer x" : auth);
            case 1: return "X-" + rnd.nextInt(1000) + ": " + mutate(rnd, "value");
            case 2: return "Content-Type: " + pick(rnd, new String[]{"text/plain", "application/json; charset=latin1",
                    "multipart/form-data; boundary=x"});
            case 3: return "Expect: 100-continue";
            case 4: return mutate(rnd, "X-Forwarded-For: 10.0.0.1");
            default: return "X-Long: " + "a".repeat(rnd.nextInt(9000));
        }
    }

    private static byte[] chunked(Random rnd, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + rnd.nextInt(20));
            write(out, (rnd.nextInt(15) == 0 ? "zz" : Integer.toHexString(n)) + "\r\n");
            out.write(body, at, n);
            write(out, "\r\n");
            at += n;
        }
        write(out, rnd.nextInt(10) == 0 ? "" : "0\r\n\r\n");
        return out.toByteArray();
    }

    private static String pick(Random rnd, String[] from) {
        return from[rnd.nextInt(from.length)];
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
