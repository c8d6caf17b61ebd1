package io.canarykit.placement.endpoint;

import com.sun.net.httpserver.HttpExchange;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.internal.CredentialJson;
import io.canarykit.placement.CredentialRefresher;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementRequest;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What the endpoint placements ({@link ImdsPlacement}, {@link ContainerCredentialsPlacement}) share: an embedded HTTP
 * server that answers like an AWS credentials endpoint, started on first use and stopped on {@link #close()};
 * short-term canaries refreshed through a {@link CredentialRefresher} shortly before they expire, as the real services
 * do; and the refusal of long-term keys, which the real services never serve.
 *
 * <p>What an endpoint serves lives in this process only: nothing is written to disk (except a container token file
 * the caller asks for), and it is gone when the endpoint stops. So a receipt can be verified by the endpoint that
 * wrote it, or over HTTP while it runs, and only that endpoint can remove it.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public abstract sealed class EndpointPlacement implements Placement permits ImdsPlacement, ContainerCredentialsPlacement {
    final Clock clock;
    final @Nullable CredentialRefresher refresher;
    final Duration refreshBefore;
    final SecureRandom random = new SecureRandom();
    final EndpointServer server;

    EndpointPlacement(Builder<?> b, String what) {
        this.clock = b.clock;
        this.refresher = b.refresher;
        this.refreshBefore = b.refreshBefore;
        CredentialJson.warmUp();
        this.random.nextBytes(new byte[8]);
        this.server = new EndpointServer(b.host, b.port, b.executor, this::handle, what);
    }

    /** Starts the server if needed and returns its base URI, such as {@code http://127.0.0.1:40123}. */
    public URI endpoint() {
        return server.start();
    }

    @Override
    public final PlacementReceipt place(PlacementRequest request) {
        return serve(null, request);
    }

    /** Serves the new credential in the previous one's place (same role or path, same token). */
    @Override
    public final PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        checkReceipt(previous);
        return serve(previous, request);
    }

    /**
     * Refreshes every served canary that is due now (for hosts that want refreshes on their own schedule rather than
     * on the next request).
     */
    public void refreshDue() {
        for (ServedCredential s : served()) {
            s.current(clock, refresher, refreshBefore);
        }
    }

    /** Stops the server; what it served is gone with it. */
    @Override
    public void close() {
        server.stop();
        stopped();
    }

    /** Places ({@code previous == null}) or replaces. */
    abstract PlacementReceipt serve(@Nullable PlacementReceipt previous, PlacementRequest request);

    /** Answers one request. */
    abstract void handle(HttpExchange exchange) throws IOException;

    /** What is served now. */
    abstract Collection<ServedCredential> served();

    /** Refuses a receipt this placement did not write. */
    abstract void checkReceipt(PlacementReceipt receipt);

    /** Forgets what was served, after the server stopped. */
    abstract void stopped();

    /** True if this endpoint runs and is the one the receipt names. */
    final boolean servesHere(PlacementReceipt receipt) {
        return server.running() && Objects.equals(receipt.detail("endpoint"), server.start().toString());
    }

    /**
     * Refuses a long-term key unless the request allows it ({@code allow-long-term}): the real service never serves
     * one, so an attacker would notice.
     */
    final void checkServable(PlacementOptions options, CanaryCredential c) {
        PlacementOptions.checkWritable(name(), c);
        boolean allowLongTerm = options.flag("allow-long-term", false); // read first: a bad value is refused always
        if ((c.sessionToken() == null || c.expiration() == null) && !allowLongTerm) {
            throw new CanaryConfigurationException("placement " + name() + " serves short-term credentials (session "
                    + "token and expiration): the real service never serves long-term AKIA keys, so an attacker would "
                    + "notice. Issue a short-term canary, or set allow-long-term=true");
        }
    }

    /** The server's base URI if it runs, for {@code toString}. */
    final String where() {
        return server.running() ? server.start().toString() : "not started";
    }

    /**
     * What every endpoint builder sets.
     *
     * @param <B> the concrete builder
     *
     * @since 0.1.0
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits ImdsPlacement.Builder, ContainerCredentialsPlacement.Builder {
        private String host = "127.0.0.1";
        private int port;
        private Clock clock = Clock.systemUTC();
        private @Nullable CredentialRefresher refresher;
        private Duration refreshBefore = Duration.ofMinutes(5);
        private @Nullable Executor executor;

        Builder() {
        }

        abstract B self();

        /**
         * The address to listen on (default {@code 127.0.0.1}; for IMDS {@code 169.254.169.254}, for ECS
         * {@code 169.254.170.2}, where those are routed here). SDKs accept a plain-http container credentials URI only
         * on loopback, {@code 169.254.170.2} or {@code 169.254.170.23}.
         */
        public B host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return self();
        }

        /** The port (default 0: a free one). */
        public B port(int port) {
            if (port < 0 || port > 65535) {
                throw new CanaryConfigurationException("port " + port + " is not 0-65535");
            }
            this.port = port;
            return self();
        }

        /** The clock for token expiry, {@code LastUpdated} and refreshes (default UTC). */
        public B clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return self();
        }

        /** Supplies fresh short-term canaries before the served ones expire (default none: serve until removed). */
        public B refresher(CredentialRefresher refresher) {
            this.refresher = refresher;
            return self();
        }

        /** How long before expiry to refresh (default 5 minutes, as EC2 does). */
        public B refreshBefore(Duration before) {
            Objects.requireNonNull(before, "refreshBefore");
            if (before.isNegative()) {
                throw new CanaryConfigurationException("refresh-before must not be negative");
            }
            this.refreshBefore = before;
            return self();
        }

        /** The executor that answers requests (default: the server's own thread). */
        public B executor(Executor executor) {
            this.executor = executor;
            return self();
        }
    }
}
