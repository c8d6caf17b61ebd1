package io.canarykit.server;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every alert posted (its {@code X-Canarykit-Alert-Id} and body)
 * and can refuse the first requests with 503, as a receiver that is down for a while.
 */
final class AlertReceiver implements AutoCloseable {
    /** One delivery the receiver took. */
    record Delivery(String alertId, String body) {
    }

    private final HttpServer server;
    private final List<Delivery> taken = new ArrayList<>();
    private final AtomicInteger refuse = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long delayMillis;

    AlertReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "alert-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/alerts", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                requests.incrementAndGet();
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                synchronized (taken) {
                    taken.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Canarykit-Alert-Id"), body));
                }
                exchange.sendResponseHeaders(204, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The URL alerts are posted to. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
    }

    /** Refuses the next {@code n} requests with 503. */
    void refuseNext(int n) {
        refuse.set(n);
    }

    /** Answers every request only after {@code d} (a slow receiver). */
    void delay(java.time.Duration d) {
        delayMillis = d.toMillis();
    }

    /** Every alert taken, in order. */
    List<Delivery> taken() {
        synchronized (taken) {
            return List.copyOf(taken);
        }
    }

    /** Every request, refused ones included. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
