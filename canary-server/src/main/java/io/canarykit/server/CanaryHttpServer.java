package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server of {@code canary serve} (Jetty 12), with the limits that hold before anyone is authenticated:
 * a deadline for each request head, an idle timeout, a maximum header size, a cap on open connections in total and
 * per source address, and a bounded worker pool. Parsing a request head takes no worker thread, so slow or silent
 * connections cannot occupy the workers; a connection that has not delivered a complete request head within
 * {@link ServerLimits#headerTimeout()} is closed.
 *
 * <p>Handlers are mounted on path prefixes ({@link Builder#route}); the issuance API is one, the liveness endpoint
 * {@value #LIVENESS} (unauthenticated, answers {@code {"status":"UP"}}) is built in, and later ones (readiness,
 * metrics, the console) are added the same way. Every error the server itself produces (bad request line, header too
 * large, unknown path) is a short JSON object {@code {"error":"…"}} that echoes nothing the client sent beyond a short,
 * escaped excerpt of the path.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 *
 * @since 0.1.0
 */
public final class CanaryHttpServer implements AutoCloseable {
    /** The liveness endpoint's path. */
    public static final String LIVENESS = "/health/live";

    private static final Logger LOG = LoggerFactory.getLogger(CanaryHttpServer.class);
    private static final long SWEEP_MILLIS = 250;

    private final ServerLimits limits;
    private final @Nullable TlsSettings tls;
    private final Server server;
    private final ServerConnector connector;
    private final Map<String, Handler> routes;
    private final Map<Connection, ConnectionState> connections = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    private CanaryHttpServer(Builder b) {
        this.limits = b.limits;
        this.routes = Map.copyOf(b.routes);
        QueuedThreadPool pool = new QueuedThreadPool(b.limits.threads() + 4, 4);
        pool.setName("canary-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        server.setStopTimeout(b.stopTimeout.toMillis());

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(b.limits.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setIdleTimeout(b.limits.idleTimeout().toMillis());
        this.tls = b.tls;
        this.connector = b.tls == null ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
                : new ServerConnector(server, 1, 1, new SslConnectionFactory(sslContext(b.tls), "http/1.1"),
                        new HttpConnectionFactory(https(http)));
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(b.limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        connector.addEventListener(new Tracker());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(b.limits.maxConnections(), connector));
        server.setErrorHandler(new JsonErrors());
        // a stop lets requests in flight finish (up to the stop timeout) and answers new ones 503
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(new Router());
        server.setHandler(graceful);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "canary-http-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening.
     *
     * @return this
     * @throws CanaryConfigurationException if the address cannot be bound
     */
    public CanaryHttpServer start() {
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new CanaryConfigurationException("cannot listen on " + connector.getHost() + ":" + connector.getPort()
                    + ": " + e.getMessage(), e);
        }
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The base URI, such as {@code http://127.0.0.1:8080}; valid once started. */
    public URI uri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls == null ? "http://" : "https://") + host + ":" + connector.getLocalPort());
    }

    /** Jetty's TLS context for {@code tls}: the server's key, and the client CAs when client certificates are asked for. */
    private static SslContextFactory.Server sslContext(TlsSettings tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.loadKeyStore());
        ssl.setKeyStorePassword(tls.keyStorePassword().reveal());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        if (tls.clientAuth() != TlsSettings.ClientAuth.NONE) {
            ssl.setTrustStore(tls.trustStore());
            ssl.setWantClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.WANT);
            ssl.setNeedClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.NEED);
        }
        return ssl;
    }

    /** The HTTP configuration over TLS: the client's certificates become a request attribute; no SNI host check. */
    private static HttpConfiguration https(HttpConfiguration http) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        https.addCustomizer(secure);
        return https;
    }

    /** The limits this server applies. */
    public ServerLimits limits() {
        return limits;
    }

    /**
     * Stops: no new connection is accepted, requests in flight finish (up to the stop timeout, {@link
     * Builder#stopTimeout}), then every connection is closed and the workers stop. Blocks until done; idempotent.
     */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP server: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ connections

    /** Counts connections per source address and remembers when each last finished a request. */
    private final class Tracker implements Connection.Listener {
        @Override
        public void onOpened(Connection c) {
            InetAddress address = addressOf(c.getEndPoint().getRemoteSocketAddress());
            ConnectionState state = new ConnectionState(address);
            connections.put(c, state);
            int open = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            if (open > limits.maxConnectionsPerAddress()) {
                LOG.warn("closing a connection from {}: it already has {} open (canary.api.max-connections-per-address)",
                        address == null ? "?" : address.getHostAddress(), open - 1);
                c.getEndPoint().close();
            }
        }

        @Override
        public void onClosed(Connection c) {
            ConnectionState state = connections.remove(c);
            if (state != null) {
                perAddress.computeIfPresent(state.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        }
    }

    private static @Nullable InetAddress addressOf(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }

    /** Closes connections that have not delivered a complete request head in time. */
    private void sweep() {
        long now = System.nanoTime();
        long deadline = limits.headerTimeout().toNanos();
        connections.forEach((c, s) -> {
            if (s.busy.get() == 0 && now - s.idleSince > deadline) {
                EndPoint e = c.getEndPoint();
                if (e.isOpen()) {
                    LOG.debug("closing a connection from {}: no complete request within {} (canary.api.header-timeout)",
                            s.address == null ? "?" : s.address.getHostAddress(), limits.headerTimeout());
                    e.close();
                }
            }
        });
    }

    private static final class ConnectionState {
        final @Nullable InetAddress address;
        final AtomicInteger busy = new AtomicInteger();
        volatile long idleSince = System.nanoTime();

        ConnectionState(@Nullable InetAddress address) {
            this.address = address;
        }
    }

    // ------------------------------------------------------------------------------------------------ routing

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            ConnectionState state = connections.get(request.getConnectionMetaData().getConnection());
            if (state == null) {
                return dispatch(request, response, callback);
            }
            state.busy.incrementAndGet();
            Callback done = Callback.from(callback, () -> {
                state.idleSince = System.nanoTime();
                state.busy.decrementAndGet();
            });
            try {
                boolean handled = dispatch(request, response, done);
                if (!handled) {
                    state.idleSince = System.nanoTime();
                    state.busy.decrementAndGet();
                }
                return handled;
            } catch (Exception | Error e) {
                state.idleSince = System.nanoTime();
                state.busy.decrementAndGet();
                throw e;
            }
        }

        private boolean dispatch(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            if (path != null && path.equals(LIVENESS)) {
                if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                    writeJson(response, callback, 405, error("use GET on " + LIVENESS), Map.of("Allow", "GET, HEAD"));
                    return true;
                }
                writeJson(response, callback, 200, "{\"status\":\"UP\"}", Map.of());
                return true;
            }
            Handler best = null;
            int bestLength = -1;
            if (path != null) {
                for (Map.Entry<String, Handler> e : routes.entrySet()) {
                    if (path.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                        best = e.getValue();
                        bestLength = e.getKey().length();
                    }
                }
            }
            if (best != null && best.handle(request, response, callback)) {
                return true;
            }
            writeJson(response, callback, 404, error("no such resource: " + Excerpt.of(
                    request.getHttpURI().getPath() == null ? "" : request.getHttpURI().getPath())
                    + " (this server serves " + String.join(", ", routes.keySet()) + ")"), Map.of());
            return true;
        }

        @Override
        protected void doStart() throws Exception {
            for (Handler h : routes.values()) {
                h.setServer(getServer());
                h.start();
            }
            super.doStart();
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            for (Handler h : routes.values()) {
                h.stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ errors

    /** Jetty's own errors (bad request line, header too large, ...) as short JSON; nothing echoed, no stack. */
    private static final class JsonErrors extends ErrorHandler {
        JsonErrors() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() <= 0 ? 500 : response.getStatus();
            if (status == 505) {
                status = 400; // a malformed request line (Jetty calls it an unsupported version): the client's fault
            }
            writeJson(response, callback, status, error(reason(status)), Map.of("Connection", "close"));
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            fields.put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
            return ByteBuffer.wrap(error(reason(status)).getBytes(StandardCharsets.UTF_8));
        }

        private static String reason(int status) {
            switch (status) {
                case 400: return "malformed HTTP request";
                case 408: return "the request took too long to arrive";
                case 413: return "request too large";
                case 414: return "request line too long";
                case 431: return "request headers too large (canary.api.max-header-bytes)";
                case 500: return "internal error";
                case 503: return "the server is busy; try again";
                default: return "request refused (" + status + ")";
            }
        }
    }

    /** {@code {"error": message}} as JSON text. */
    static String error(String message) {
        return "{\"error\":" + Excerpt.jsonString(message) + "}";
    }

    /** Writes a complete JSON response with the security headers every answer carries. */
    static void writeJson(Response response, Callback callback, int status, String json, Map<String, String> headers) {
        write(response, callback, status, "application/json; charset=utf-8", json, headers);
    }

    /** Writes a complete response of {@code contentType} with the security headers every answer carries. */
    static void write(Response response, Callback callback, int status, String contentType, String text,
                      Map<String, String> headers) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, contentType);
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        h.put(HttpHeader.PRAGMA, "no-cache");
        h.put("X-Content-Type-Options", "nosniff");
        headers.forEach(h::put);
        h.put(HttpHeader.CONTENT_LENGTH, Long.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /**
     * Builder for {@link CanaryHttpServer}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private ServerLimits limits = ServerLimits.defaults();
        private Duration stopTimeout = Duration.ofSeconds(2);
        private @Nullable TlsSettings tls;
        private final Map<String, Handler> routes = new LinkedHashMap<>();

        Builder() {
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String v) {
            host = Objects.requireNonNull(v, "host");
            return this;
        }

        /** Port (default 0: any free port). */
        public Builder port(int v) {
            if (v < 0 || v > 65535) {
                throw new CanaryConfigurationException("port must be 0-65535, not " + v);
            }
            port = v;
            return this;
        }

        /** How long {@link #close()} waits for requests in flight (default 2 s). */
        public Builder stopTimeout(Duration v) {
            Objects.requireNonNull(v, "stopTimeout");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("the stop timeout must not be negative, was " + v);
            }
            stopTimeout = v;
            return this;
        }

        /** Serves HTTPS with these settings instead of plain HTTP ({@code null}: plain HTTP, the default). */
        public Builder tls(@Nullable TlsSettings v) {
            tls = v;
            return this;
        }

        /** The limits (default {@link ServerLimits#defaults()}). */
        public Builder limits(ServerLimits v) {
            limits = Objects.requireNonNull(v, "limits");
            return this;
        }

        /**
         * Serves requests whose path starts with {@code pathPrefix} (the longest matching prefix wins) with
         * {@code handler}; the handler returns false to let the server answer 404. Handlers run on worker threads and
         * may block.
         */
        public Builder route(String pathPrefix, Handler handler) {
            Objects.requireNonNull(pathPrefix, "pathPrefix");
            Objects.requireNonNull(handler, "handler");
            if (!pathPrefix.startsWith("/") || pathPrefix.equals(LIVENESS)) {
                throw new CanaryConfigurationException("a route must start with / and must not be " + LIVENESS);
            }
            if (routes.putIfAbsent(pathPrefix, handler) != null) {
                throw new CanaryConfigurationException("two handlers for the route " + pathPrefix);
            }
            return this;
        }

        /** Builds the server (not started). */
        public CanaryHttpServer build() {
            return new CanaryHttpServer(this);
        }
    }
}
