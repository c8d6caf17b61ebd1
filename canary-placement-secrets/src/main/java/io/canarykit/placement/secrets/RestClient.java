package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.Secret;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Arrays;

/**
 * A small JSON-over-HTTPS client for the secret stores' REST APIs, on the JDK's {@link HttpClient}: one API token in
 * one header (never logged, never in a message), bounded answers, no redirects followed (a redirect could carry the
 * token elsewhere), retries of what is safe to retry (429, 502-504, GitHub's secondary rate limit with its
 * {@code Retry-After}, a broken connection on an idempotent method) with the service's own wait, a clear error for an
 * exhausted rate limit. Plain HTTP only to a loopback address unless the caller allows it. Thread-safe.
 */
final class RestClient {
    /** Largest answer read; a longer one is refused (an API never sends that much for these calls). */
    static final int MAX_BODY = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(RestClient.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "PUT", "DELETE", "HEAD");

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String service;
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final String tokenHeader;
    private final String tokenPrefix;
    private final Secret token;
    private final int maxAttempts;
    private final Duration maxRetryWait;
    private final Sleeper sleeper;
    private final Clock clock;

    private RestClient(Builder b) {
        this.service = b.service;
        this.base = Objects.requireNonNull(b.base, "base URL"); // build() checked it
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = b.timeout;
        this.headers = Map.copyOf(b.headers);
        this.tokenHeader = Objects.requireNonNull(b.tokenHeader, "token header"); // set with the token
        this.tokenPrefix = b.tokenPrefix;
        this.token = Objects.requireNonNull(b.token, "token"); // build() checked it
        this.maxAttempts = b.maxAttempts;
        this.maxRetryWait = b.maxRetryWait;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
    }

    static Builder builder(String service) {
        return new Builder(service);
    }

    /** One answer: status, headers and (bounded) body. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        @Nullable String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body as JSON, or a missing node when it is empty or not JSON. */
        JsonNode json() {
            if (body.length == 0) {
                return JSON.missingNode();
            }
            try {
                JsonNode n = JSON.readTree(body);
                return n == null ? JSON.missingNode() : n;
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        @Override
        public String toString() {
            return "Response[" + status + ", " + body.length + " bytes]";
        }
    }

    /** The percent-encoding of one path segment. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends a request and returns the final answer, whatever its status (callers decide what a status means).
     *
     * @param method  GET, PUT, POST, PATCH or DELETE
     * @param path    the path and query after the base URL, already encoded, starting with {@code /}
     * @param body    a JSON body, or {@code null}
     * @param secrets values that must not appear in any message (what the body carries)
     * @throws CanaryException when no answer could be had, or the rate limit is exhausted beyond the longest wait
     */
    Response send(String method, String path, @Nullable JsonNode body, String... secrets) {
        URI uri = URI.create(base + path);
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(bytes(body));
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout).method(method, publisher)
                    .header(tokenHeader, tokenPrefix + token.reveal());
            if (!headers.containsKey("Accept")) {
                rb.header("Accept", "application/json");
            }
            headers.forEach(rb::header);
            if (body != null) {
                rb.header("Content-Type", "application/json");
            }
            Response r;
            try {
                r = read(http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream()));
            } catch (IOException e) {
                if (attempt < maxAttempts && IDEMPOTENT.contains(method)) {
                    LOG.debug("{} {} {}: {}; retrying", service, method, path, e.getClass().getSimpleName());
                    pause(backoff(attempt));
                    continue;
                }
                throw new CanaryException(service + " " + method + " " + path + " failed: " + scrub(String.valueOf(
                        e.getMessage()), secrets) + " (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CanaryException(service + " " + method + " " + path + " was interrupted");
            }
            Duration wait = retryWait(r, attempt);
            if (wait == null) {
                LOG.debug("{} {} {} -> {}", service, method, path, r.status());
                return r;
            }
            LOG.debug("{} {} {} -> {}; retrying in {}", service, method, path, r.status(), wait);
            pause(wait);
        }
    }

    /** How long to wait before the next attempt, or {@code null} to return this answer. */
    private @Nullable Duration retryWait(Response r, int attempt) {
        int s = r.status();
        boolean limited = s == 429 || (s == 403 && (r.header("retry-after") != null
                || "0".equals(r.header("x-ratelimit-remaining"))));
        if (!limited && s != 502 && s != 503 && s != 504) {
            return null;
        }
        Duration wait = backoff(attempt);
        String retryAfter = r.header("retry-after");
        String rateLimitReset = r.header("x-ratelimit-reset");
        if (retryAfter != null && retryAfter.trim().matches("\\d{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
        } else if ("0".equals(r.header("x-ratelimit-remaining")) && rateLimitReset != null
                && rateLimitReset.trim().matches("\\d{1,12}")) {
            Instant reset = Instant.ofEpochSecond(Long.parseLong(rateLimitReset.trim()));
            wait = Duration.between(clock.instant(), reset).plusSeconds(1);
            if (wait.isNegative()) {
                wait = Duration.ofSeconds(1);
            }
            if (wait.compareTo(maxRetryWait) > 0) {
                throw new CanaryException(service + "'s API rate limit is exhausted until " + reset + " (HTTP " + s
                        + ", x-ratelimit-remaining 0); nothing more was sent. Try again after that time, or use a "
                        + "token with a rate limit of its own");
            }
        }
        if (attempt >= maxAttempts) {
            return null;
        }
        if (wait.compareTo(maxRetryWait) > 0) {
            return null;
        }
        return wait;
    }

    private Duration backoff(int attempt) {
        Duration d = Duration.ofMillis(200L << Math.min(attempt - 1, 6));
        return d.compareTo(maxRetryWait) > 0 ? maxRetryWait : d;
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryException(service + " request interrupted while waiting to retry");
        }
    }

    private static Response read(HttpResponse<InputStream> response) throws IOException {
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("the answer is longer than " + MAX_BODY + " bytes; refused");
            }
            return new Response(response.statusCode(), response.headers().map(), body);
        }
    }

    private static byte[] bytes(@Nullable JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new CanaryException("cannot write a request body", e);
        }
    }

    /** {@code text} with every secret replaced by the mask. */
    static String scrub(String text, String... secrets) {
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, Secret.MASK);
            }
        }
        return out;
    }

    /**
     * What the service said, for a message: its status and its own message (GitHub's and GitLab's {@code message},
     * Vault's {@code errors}), shortened, with any secret and the token masked.
     */
    String describe(Response r, String... secrets) {
        JsonNode n = r.json();
        String said;
        if (n.has("errors") && n.get("errors").isArray() && !n.has("message")) {
            said = n.get("errors").toString();
        } else if (n.has("message")) {
            said = n.get("message").isTextual() ? n.get("message").asText() : n.get("message").toString();
            if (n.has("errors")) {
                said += " " + n.get("errors");
            }
        } else if (n.has("error")) {
            said = n.get("error").asText();
        } else {
            said = new String(r.body(), StandardCharsets.UTF_8);
        }
        said = said.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (said.length() > 300) {
            said = said.substring(0, 300) + "…";
        }
        String[] all = Arrays.copyOf(secrets, secrets.length + 1);
        all[secrets.length] = token.reveal();
        return "HTTP " + r.status() + (said.isEmpty() ? "" : ": " + scrub(said, all));
    }

    String service() {
        return service;
    }

    /** The API root, without a trailing slash. */
    URI base() {
        return base;
    }

    @Override
    public String toString() {
        return "RestClient[" + service + " " + base + ", " + tokenHeader + ": " + Secret.MASK + "]";
    }

    /** Builds a {@link RestClient}. */
    static final class Builder {
        private final String service;
        private @Nullable URI base;
        private @Nullable HttpClient http;
        private Duration timeout = Duration.ofSeconds(30);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private @Nullable String tokenHeader;
        private String tokenPrefix = "";
        private @Nullable Secret token;
        private int maxAttempts = 3;
        private Duration maxRetryWait = Duration.ofSeconds(60);
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();
        private boolean allowHttp;

        private Builder(String service) {
            this.service = service;
        }

        Builder baseUrl(URI url) {
            this.base = Objects.requireNonNull(url, "url");
            return this;
        }

        Builder httpClient(@Nullable HttpClient client) {
            this.http = client;
            return this;
        }

        Builder timeout(Duration d) {
            this.timeout = Objects.requireNonNull(d, "timeout");
            return this;
        }

        Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Builder token(String header, String prefix, Secret token) {
            this.tokenHeader = header;
            this.tokenPrefix = prefix;
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        Builder maxRetryWait(Duration d) {
            this.maxRetryWait = Objects.requireNonNull(d, "maxRetryWait");
            return this;
        }

        Builder sleeper(Sleeper s) {
            this.sleeper = Objects.requireNonNull(s, "sleeper");
            return this;
        }

        Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        Builder allowHttp(boolean allow) {
            this.allowHttp = allow;
            return this;
        }

        RestClient build() {
            Objects.requireNonNull(base, "base URL");
            Objects.requireNonNull(token, "token");
            String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
            if (base.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))
                    || base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
                throw new CanaryConfigurationException(service + " API URL '" + base + "' is not an http(s) URL without "
                        + "query, fragment or user info, such as https://api.github.com");
            }
            if (scheme.equals("http") && !allowHttp && !loopback(base.getHost())) {
                throw new CanaryConfigurationException(service + " API URL '" + base + "' is plain HTTP: the API token "
                        + "would cross the network unencrypted. Use https, or set allow-http=true for a trusted network");
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new CanaryConfigurationException(service + " max-attempts must be 1-10, was " + maxAttempts);
            }
            String b = base.toString();
            base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
            return new RestClient(this);
        }

        private static boolean loopback(String host) {
            String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (h.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false; // a name other than localhost: never resolved here
            }
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }
    }
}
