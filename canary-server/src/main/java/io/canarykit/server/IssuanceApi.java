package io.canarykit.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.Secret;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.store.CanaryNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The issuance API: provisioning tools and CI jobs ask for canaries over HTTP.
 *
 * <ul>
 *   <li>{@code POST /v1/canaries} with {@code {"asset":{"kind","id","labels"},"placement":"return"|{"name","options"},
 *       "kind":"iam-user"}}: issues a canary. With placement {@code return} (the default) the credential comes back
 *       once, in this response only ({@code Cache-Control: no-store}); otherwise it is planted and only the receipt
 *       comes back. 201.</li>
 *   <li>{@code GET /v1/canaries?asset=KIND/ID}: the asset's canaries (no secrets). {@code GET /v1/canaries/{id}}: one.</li>
 *   <li>{@code DELETE /v1/canaries/{id}}: revokes it.</li>
 * </ul>
 *
 * <p>Every request is authenticated, either {@code Authorization: Bearer <token>} or
 * {@code Authorization: CANARY-HMAC-SHA256 caller=<name>, timestamp=<epoch seconds>, signature=<hex>} where the
 * signature is HMAC-SHA256 with the caller's key over {@code METHOD\nPATH?QUERY\nTIMESTAMP\nhex(sha256(body))}, at most
 * five minutes off, never reused. Secrets are compared in constant time. Each caller is rate-limited (token bucket);
 * input is validated with clear 4xx errors. Errors are {@code {"error":"…"}} and never contain a secret.
 */
public final class IssuanceApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IssuanceApi.class);
    private static final Pattern ONE = Pattern.compile("/v1/canaries/([0-9A-Za-z]{26})");
    private static final Pattern HMAC_AUTH = Pattern.compile(
            "CANARY-HMAC-SHA256\\s+caller=([A-Za-z0-9._@-]{1,64}),\\s*timestamp=(\\d{1,12}),\\s*signature=([0-9a-fA-F]{64})");
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private final CanaryService service;
    private final Map<String, Secret> tokens;
    private final Map<String, Secret> hmacKeys;
    private final Clock clock;
    private final int maxBodyBytes;
    private final double perMinute;
    private final int burst;
    private final CredentialKind defaultKind;
    private final Set<String> allowedPlacements;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Deque<Seen> seenSignatures = new ArrayDeque<>();
    private final Set<String> seenSet = new java.util.HashSet<>();
    private final HttpServer server;
    private final ExecutorService executor;

    private IssuanceApi(Builder b) throws IOException {
        this.service = b.service;
        this.tokens = Map.copyOf(b.tokens);
        this.hmacKeys = Map.copyOf(b.hmacKeys);
        this.clock = b.clock;
        this.maxBodyBytes = b.maxBodyBytes;
        this.perMinute = b.perMinute;
        this.burst = b.burst;
        this.defaultKind = b.defaultKind;
        this.allowedPlacements = b.allowedPlacements == null ? null : Set.copyOf(b.allowedPlacements);
        this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 0);
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "canary-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts serving; returns this. */
    public IssuanceApi start() {
        server.start();
        return this;
    }

    /** The base URI, such as {@code http://127.0.0.1:8080}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Response response;
            try {
                byte[] body = readBody(ex);
                String caller = authenticate(ex, body);
                rateLimit(caller);
                response = route(ex, body, caller);
            } catch (ApiError e) {
                response = e.response();
            } catch (CanaryConfigurationException e) {
                response = error(422, e.getMessage());
            } catch (QuotaExhaustedException e) {
                response = error(503, e.getMessage());
            } catch (CanaryException e) {
                LOG.debug("request failed", e);
                response = error(502, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("unexpected error serving {} {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                response = error(500, "internal error");
            }
            send(ex, response);
        }
    }

    private Response route(HttpExchange ex, byte[] body, String caller) {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        if (path.equals("/v1/canaries")) {
            switch (method) {
                case "POST": return create(body, caller);
                case "GET": return listByAsset(ex.getRequestURI().getRawQuery());
                default: throw new ApiError(405, "use GET or POST on /v1/canaries", "GET, POST");
            }
        }
        Matcher m = ONE.matcher(path);
        if (m.matches()) {
            CanaryId id;
            try {
                id = CanaryId.parse(m.group(1));
            } catch (CanaryConfigurationException e) {
                throw new ApiError(404, "no canary " + m.group(1) + ": " + e.getMessage());
            }
            switch (method) {
                case "GET": return new Response(200, CanaryJson.record(service.find(id)
                        .orElseThrow(() -> new ApiError(404, "no canary " + id))));
                case "DELETE": return revoke(id, caller);
                default: throw new ApiError(405, "use GET or DELETE on /v1/canaries/{id}", "GET, DELETE");
            }
        }
        throw new ApiError(404, "no such resource: " + path + " (the API serves /v1/canaries)");
    }

    private Response create(byte[] body, String caller) {
        JsonNode json = parse(body);
        JsonNode assetNode = json.get("asset");
        if (assetNode == null || !assetNode.isObject()) {
            throw new ApiError(400, "missing object field 'asset' ({\"kind\":\"ci-build\",\"id\":\"run-42\"})");
        }
        String kind = text(assetNode, "asset.kind", true);
        String id = text(assetNode, "asset.id", true);
        Map<String, String> labels = stringMap(assetNode.get("labels"), "asset.labels");
        Asset asset;
        try {
            asset = new Asset(kind, id, labels);
        } catch (CanaryConfigurationException e) {
            throw new ApiError(400, e.getMessage());
        }
        PlacementSpec placement = placement(json.get("placement"));
        if (allowedPlacements != null && !allowedPlacements.contains(placement.placement())) {
            throw new ApiError(400, "placement '" + placement.placement() + "' is not allowed here; allowed: "
                    + String.join(", ", allowedPlacements));
        }
        CredentialKind credentialKind = defaultKind;
        if (json.hasNonNull("kind")) {
            try {
                credentialKind = CredentialKind.fromConfigName(text(json, "kind", true));
            } catch (CanaryConfigurationException e) {
                throw new ApiError(400, e.getMessage());
            }
        }
        Set<String> known = Set.of("asset", "placement", "kind");
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new ApiError(400, "unknown field '" + f + "'; expected asset, placement, kind");
            }
        }
        IssueOutcome outcome = service.issue(asset, placement, credentialKind);
        LOG.debug("caller {} issued canary {} for {}", caller, outcome.record().id(), asset.ref());
        ObjectNode out = CanaryJson.record(outcome.record());
        out.set("fingerprint", CanaryJson.fingerprint(outcome.fingerprint()));
        CanaryCredential c = outcome.credential();
        if (c != null) {
            ObjectNode cred = out.putObject("credential");
            cred.put("accessKeyId", c.accessKeyId());
            cred.put("secretAccessKey", c.secretAccessKey().reveal());
            cred.put("sessionToken", c.sessionToken() == null ? null : c.sessionToken().reveal());
            cred.put("expiration", c.expiration() == null ? null : c.expiration().toString());
        }
        return new Response(201, out);
    }

    private Response listByAsset(String rawQuery) {
        Map<String, String> q = query(rawQuery);
        String asset = q.get("asset");
        if (asset == null || asset.indexOf('/') <= 0 || asset.endsWith("/")) {
            throw new ApiError(400, "give the asset as ?asset=KIND/ID, for example ?asset=ci-build/run-42");
        }
        int slash = asset.indexOf('/');
        List<CanaryRecord> records = service.findByAsset(asset.substring(0, slash), asset.substring(slash + 1));
        ObjectNode out = CanaryJson.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("canaries");
        for (CanaryRecord r : records) {
            list.add(CanaryJson.record(r));
        }
        return new Response(200, out);
    }

    private Response revoke(CanaryId id, String caller) {
        CanaryRecord r;
        try {
            r = service.revoke(id);
        } catch (CanaryNotFoundException e) {
            throw new ApiError(404, "no canary " + id);
        }
        LOG.debug("caller {} revoked canary {}", caller, id);
        return new Response(200, CanaryJson.record(r));
    }

    // ------------------------------------------------------------------------------------------------ input

    private byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw new ApiError(413, "request body larger than " + maxBodyBytes + " bytes");
            }
            return body;
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiError(400, "empty body; send a JSON object such as {\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-42\"}}");
        }
        try {
            JsonNode n = CanaryJson.MAPPER.readTree(body);
            if (n == null || !n.isObject()) {
                throw new ApiError(400, "the body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            // never echo Jackson's message: it quotes the offending text, which could be anything a caller sent
            throw new ApiError(400, "invalid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "; send a JSON object such as "
                    + "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-42\"}}");
        } catch (IOException e) {
            throw new ApiError(400, "unreadable body");
        }
    }

    private static String text(JsonNode node, String field, boolean required) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiError(400, "missing field '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(400, "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ApiError(400, "field '" + field + "' must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ApiError(400, "field '" + field + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static PlacementSpec placement(JsonNode node) {
        if (node == null || node.isNull()) {
            return PlacementSpec.returnToCaller();
        }
        if (node.isTextual()) {
            return PlacementSpec.of(node.asText());
        }
        if (!node.isObject()) {
            throw new ApiError(400, "field 'placement' must be a name or {\"name\":…,\"options\":{…}}");
        }
        String name = text(node, "placement.name", true);
        return PlacementSpec.of(name, stringMap(node.get("options"), "placement.options"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ security

    private String authenticate(HttpExchange ex, byte[] body) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || auth.isBlank()) {
            throw new ApiError(401, "missing Authorization header: send 'Bearer <token>' or a CANARY-HMAC-SHA256 signature");
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String presented = auth.substring(7).trim();
            byte[] presentedHash = sha256(presented.getBytes(StandardCharsets.UTF_8));
            String match = null;
            for (Map.Entry<String, Secret> e : tokens.entrySet()) { // no early exit: constant time over callers
                if (MessageDigest.isEqual(presentedHash, sha256(e.getValue().reveal().getBytes(StandardCharsets.UTF_8)))) {
                    match = e.getKey();
                }
            }
            if (match == null) {
                throw new ApiError(401, "invalid bearer token");
            }
            return match;
        }
        Matcher m = HMAC_AUTH.matcher(auth.trim());
        if (!m.matches()) {
            throw new ApiError(401, "unsupported Authorization scheme: send 'Bearer <token>' or "
                    + "'CANARY-HMAC-SHA256 caller=<name>, timestamp=<epoch seconds>, signature=<hex>'");
        }
        String caller = m.group(1);
        long timestamp = Long.parseLong(m.group(2));
        Instant now = clock.instant();
        if (Math.abs(now.getEpochSecond() - timestamp) > MAX_SKEW.getSeconds()) {
            throw new ApiError(401, "signature timestamp is more than " + MAX_SKEW.toMinutes()
                    + " minutes away from the server's clock");
        }
        Secret key = hmacKeys.get(caller);
        String raw = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        byte[] expected = hmac(key == null ? Secret.of("no-such-caller-" + caller) : key,
                ex.getRequestMethod() + "\n" + raw + "\n" + timestamp + "\n" + HexFormat.of().formatHex(sha256(body)));
        byte[] presented = HexFormat.of().parseHex(m.group(3).toLowerCase(java.util.Locale.ROOT));
        if (!MessageDigest.isEqual(expected, presented) || key == null) {
            throw new ApiError(401, "invalid signature");
        }
        if (!remember(m.group(3).toLowerCase(java.util.Locale.ROOT), now)) {
            throw new ApiError(401, "this signature was already used; sign each request anew");
        }
        return caller;
    }

    private synchronized boolean remember(String signature, Instant now) {
        while (!seenSignatures.isEmpty() && seenSignatures.peekFirst().at().plus(MAX_SKEW.multipliedBy(2)).isBefore(now)) {
            seenSet.remove(seenSignatures.pollFirst().signature());
        }
        if (!seenSet.add(signature)) {
            return false;
        }
        seenSignatures.addLast(new Seen(signature, now));
        return true;
    }

    private synchronized void rateLimit(String caller) {
        Instant now = clock.instant();
        Bucket b = buckets.computeIfAbsent(caller, c -> new Bucket(burst, now));
        double refill = Duration.between(b.at, now).toNanos() / 60e9 * perMinute;
        b.tokens = Math.min(burst, b.tokens + Math.max(0, refill));
        b.at = now;
        if (b.tokens < 1) {
            long retryAfter = (long) Math.ceil((1 - b.tokens) / perMinute * 60);
            throw new ApiError(429, "rate limit of " + (long) perMinute + " requests per minute exceeded for caller "
                    + caller, null, Math.max(1, retryAfter));
        }
        b.tokens -= 1;
    }

    /** HMAC-SHA256 of {@code data} with {@code key}; what a client computes to sign a request. */
    public static byte[] hmac(Secret key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The {@code Authorization} header value for an HMAC-signed request. */
    public static String signature(String caller, Secret key, String method, String pathAndQuery, long epochSeconds,
                                   byte[] body) {
        String sig = HexFormat.of().formatHex(hmac(key, method + "\n" + pathAndQuery + "\n" + epochSeconds + "\n"
                + HexFormat.of().formatHex(sha256(body))));
        return "CANARY-HMAC-SHA256 caller=" + caller + ", timestamp=" + epochSeconds + ", signature=" + sig;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ output

    private static Response error(int status, String message) {
        ObjectNode n = CanaryJson.MAPPER.createObjectNode();
        n.put("error", message);
        return new Response(status, n);
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        byte[] bytes = CanaryJson.MAPPER.writeValueAsBytes(r.body());
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Pragma", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Response(int status, JsonNode body, Map<String, String> headers) {
        Response(int status, JsonNode body) {
            this(status, body, Map.of());
        }
    }

    private record Seen(String signature, Instant at) {
    }

    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** A 4xx answer with a message for the caller. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String allow;
        private final long retryAfter;

        ApiError(int status, String message) {
            this(status, message, null, 0);
        }

        ApiError(int status, String message, String allow) {
            this(status, message, allow, 0);
        }

        ApiError(int status, String message, String allow, long retryAfter) {
            super(message, null, false, false);
            this.status = status;
            this.allow = allow;
            this.retryAfter = retryAfter;
        }

        Response response() {
            Map<String, String> headers = new LinkedHashMap<>();
            if (allow != null) {
                headers.put("Allow", allow);
            }
            if (retryAfter > 0) {
                headers.put("Retry-After", Long.toString(retryAfter));
            }
            if (status == 401) {
                headers.put("WWW-Authenticate", "Bearer");
            }
            return new Response(status, error(status, getMessage()).body(), headers);
        }
    }

    /** Builder for {@link IssuanceApi}. */
    public static final class Builder {
        private CanaryService service;
        private final Map<String, Secret> tokens = new LinkedHashMap<>();
        private final Map<String, Secret> hmacKeys = new LinkedHashMap<>();
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private int maxBodyBytes = 64 * 1024;
        private double perMinute = 60;
        private int burst = 10;
        private int threads = 4;
        private CredentialKind defaultKind = CredentialKind.IAM_USER;
        private List<String> allowedPlacements;

        Builder() {
        }

        /** The service that issues (required). */
        public Builder service(CanaryService v) { service = Objects.requireNonNull(v); return this; }

        /** A caller authenticated by a bearer token. */
        public Builder bearerToken(String caller, Secret token) {
            tokens.put(Objects.requireNonNull(caller), Objects.requireNonNull(token));
            return this;
        }

        /** A caller authenticated by HMAC-signed requests. */
        public Builder hmacKey(String caller, Secret key) {
            hmacKeys.put(Objects.requireNonNull(caller), Objects.requireNonNull(key));
            return this;
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String v) { host = Objects.requireNonNull(v); return this; }

        /** Port (default 0: any free port). */
        public Builder port(int v) { port = v; return this; }

        /** Clock for signatures and rate limits. */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

        /** Requests per minute and burst per caller (default 60/min, burst 10). */
        public Builder rateLimit(double perMinute, int burst) {
            if (perMinute <= 0 || burst < 1) {
                throw new CanaryConfigurationException("rate limit must be positive");
            }
            this.perMinute = perMinute;
            this.burst = burst;
            return this;
        }

        /** The credential kind issued when a request names none (default iam-user). */
        public Builder defaultKind(CredentialKind v) { defaultKind = Objects.requireNonNull(v); return this; }

        /** The only placements callers may ask for (default: any the service knows, and {@code return}). */
        public Builder allowedPlacements(List<String> v) { allowedPlacements = new ArrayList<>(v); return this; }

        /** Largest request body accepted (default 64 KiB). */
        public Builder maxBodyBytes(int v) { maxBodyBytes = v; return this; }

        /** Builds the server (not started). */
        public IssuanceApi build() {
            if (service == null) {
                throw new CanaryConfigurationException("IssuanceApi needs a CanaryService");
            }
            if (tokens.isEmpty() && hmacKeys.isEmpty()) {
                throw new CanaryConfigurationException("IssuanceApi needs at least one caller: a bearer token or an HMAC key");
            }
            try {
                return new IssuanceApi(this);
            } catch (IOException e) {
                throw new CanaryConfigurationException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }
}
