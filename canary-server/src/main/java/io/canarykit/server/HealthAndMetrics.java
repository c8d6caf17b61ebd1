package io.canarykit.server;

import io.canarykit.Secret;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The server's own endpoints besides the API: readiness and metrics. */
final class HealthAndMetrics {
    /** The readiness endpoint's path. */
    static final String READINESS = "/health/ready";
    /** The metrics endpoint's path. */
    static final String METRICS = "/metrics";
    /** The Prometheus text exposition format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private HealthAndMetrics() {
    }

    /**
     * {@code GET /health/ready}: 200 {@code {"status":"UP","checks":{"store":"UP",...}}} when every check passes, else
     * 503 with {@code "DOWN"} and the failing checks named (why they fail is logged, not shown). Unauthenticated, like
     * liveness: an orchestrator's probe carries no credential.
     */
    static Handler readiness(Readiness readiness) {
        Objects.requireNonNull(readiness, "readiness");
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!READINESS.equals(request.getHttpURI().getPath())) {
                    return false;
                }
                if (!getOrHead(request, response, callback, READINESS)) {
                    return true;
                }
                Readiness.Answer a = readiness.check();
                StringBuilder json = new StringBuilder("{\"status\":\"").append(a.ready() ? "UP" : "DOWN")
                        .append("\",\"checks\":{");
                boolean first = true;
                for (Map.Entry<String, Readiness.Check> e : a.checks().entrySet()) {
                    json.append(first ? "" : ",").append(Excerpt.jsonString(e.getKey())).append(':')
                            .append(e.getValue().ok() ? "\"UP\"" : "\"DOWN\"");
                    first = false;
                }
                json.append("}}");
                CanaryHttpServer.writeJson(response, callback, a.ready() ? 200 : 503, json.toString(), Map.of());
                return true;
            }
        };
    }

    /**
     * {@code GET /metrics}: the registry in the Prometheus text format. With a token it wants
     * {@code Authorization: Bearer <token>} (compared in constant time; 401 otherwise); without one it answers only when
     * anonymous access was allowed, else 403 saying how to configure it.
     */
    static Handler metrics(PrometheusMeterRegistry registry, @Nullable Secret token, boolean anonymous) {
        Objects.requireNonNull(registry, "registry");
        byte[] expected = token == null ? null : ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!METRICS.equals(request.getHttpURI().getPath())) {
                    return false;
                }
                if (!getOrHead(request, response, callback, METRICS)) {
                    return true;
                }
                if (expected == null && !anonymous) {
                    CanaryHttpServer.writeJson(response, callback, 403, CanaryHttpServer.error("metrics need a token:"
                            + " set canary.server.metrics.token (at least 16 characters) and send it as 'Authorization:"
                            + " Bearer <token>', or allow anonymous scrapes with canary.server.metrics.anonymous=true"),
                            Map.of());
                    return true;
                }
                if (expected != null) {
                    List<String> auth = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
                    boolean ok = auth.size() == 1 && MessageDigest.isEqual(expected,
                            auth.get(0).getBytes(StandardCharsets.UTF_8));
                    if (!ok) {
                        CanaryHttpServer.writeJson(response, callback, 401, CanaryHttpServer.error(
                                "send the metrics token as 'Authorization: Bearer <token>'"),
                                Map.of("WWW-Authenticate", "Bearer"));
                        return true;
                    }
                }
                byte[] body = registry.scrape(PROMETHEUS_TEXT).getBytes(StandardCharsets.UTF_8);
                response.setStatus(200);
                HttpFields.Mutable h = response.getHeaders();
                h.put(HttpHeader.CONTENT_TYPE, PROMETHEUS_TEXT);
                h.put(HttpHeader.CACHE_CONTROL, "no-store");
                h.put("X-Content-Type-Options", "nosniff");
                h.put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
                response.write(true, ByteBuffer.wrap(request.getMethod().equals("HEAD") ? new byte[0] : body), callback);
                return true;
            }
        };
    }

    /** True for GET and HEAD without a query; otherwise answers 405/400 and returns false. */
    private static boolean getOrHead(Request request, Response response, Callback callback, String path) {
        String m = request.getMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            CanaryHttpServer.writeJson(response, callback, 405, CanaryHttpServer.error("use GET on " + path),
                    Map.of("Allow", "GET, HEAD"));
            return false;
        }
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            CanaryHttpServer.writeJson(response, callback, 400, CanaryHttpServer.error(m + " takes no request body"),
                    Map.of("Connection", "close"));
            return false;
        }
        return true;
    }
}
