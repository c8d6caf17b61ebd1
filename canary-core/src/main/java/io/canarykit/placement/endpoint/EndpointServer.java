package io.canarykit.placement.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.canarykit.CanaryConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** The JDK's HTTP server ({@code jdk.httpserver}) behind an endpoint placement, started once and stopped on close. */
final class EndpointServer {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointServer.class);

    private final String host;
    private final int port;
    private final @Nullable Executor executor;
    private final HttpHandler handler;
    private final String what;
    private @Nullable HttpServer server;
    private @Nullable URI endpoint;
    private boolean closed;

    EndpointServer(String host, int port, @Nullable Executor executor, HttpHandler handler, String what) {
        this.host = host;
        this.port = port;
        this.executor = executor;
        this.handler = handler;
        this.what = what;
    }

    /** Starts the server if it is not running and returns its base URI, such as {@code http://127.0.0.1:40123}. */
    synchronized URI start() {
        if (closed) {
            throw new IllegalStateException(what + " was closed");
        }
        if (server == null) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 0);
                s.createContext("/", exchange -> {
                    try (exchange) {
                        handler.handle(exchange);
                    } catch (RuntimeException | IOException e) {
                        LOG.warn("{} failed to answer {} {}: {}", what, exchange.getRequestMethod(),
                                exchange.getRequestURI().getRawPath(), e.getClass().getSimpleName());
                    }
                });
                s.setExecutor(executor);
                s.start();
                server = s;
                String h = s.getAddress().getAddress().getHostAddress();
                endpoint = URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + s.getAddress().getPort());
                LOG.debug("{} listening on {}", what, endpoint);
            } catch (IOException e) {
                throw new CanaryConfigurationException("cannot start " + what + " on " + host + ":" + port + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                        + "; choose another address or port", e);
            }
        }
        return Objects.requireNonNull(endpoint, "endpoint"); // set whenever the server runs
    }

    synchronized boolean running() {
        return server != null;
    }

    synchronized void stop() {
        closed = true;
        if (server != null) {
            server.stop(0);
            server = null;
            LOG.debug("{} stopped", what);
        }
    }

    static void respond(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        drain(ex);
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (body.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readNBytes(64 * 1024);
        }
    }
}
