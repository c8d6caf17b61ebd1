package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * The resource limits of the HTTP server, applied before any caller is authenticated, so that nobody can starve it.
 * Read from {@code canary.api.*} by {@link #fromConfig(CanaryConfig)}; every value has a safe default.
 *
 * @param headerTimeout             time a connection has to deliver a complete request head (request line and
 *                                  headers), counted from when it opened or from the end of its previous response;
 *                                  a connection that has not done so is closed ({@code canary.api.header-timeout},
 *                                  10s). This also ends idle keep-alive connections.
 * @param bodyTimeout               time an authenticated request has to deliver its whole body; slower ones get 408
 *                                  ({@code canary.api.body-timeout}, 10s)
 * @param idleTimeout               time a connection may send nothing at all before it is closed
 *                                  ({@code canary.api.idle-timeout}, 30s)
 * @param maxHeaderBytes            largest request head (request line and headers) accepted; larger ones get 431
 *                                  ({@code canary.api.max-header-bytes}, 8192)
 * @param maxBodyBytes              largest request body accepted; larger ones get 413 before the body is read
 *                                  ({@code canary.api.max-body-bytes}, 65536)
 * @param maxConnections            open connections in total; further ones wait in the kernel's backlog
 *                                  ({@code canary.api.max-connections}, 512)
 * @param maxConnectionsPerAddress  open connections from one source address; further ones are closed at once
 *                                  ({@code canary.api.max-connections-per-address}, 16)
 * @param threads                   worker threads serving requests ({@code canary.api.threads}, 16)
 * @param failedAuthPerMinute       failed authentications one source address may make per minute, on average
 *                                  ({@code canary.api.failed-auth-per-minute}, 10)
 * @param failedAuthBurst           failed authentications one source address may make at once
 *                                  ({@code canary.api.failed-auth-burst}, 20); past these the address gets 429 for
 *                                  every API request until its allowance refills, and that is logged
 *
 * @since 0.1.0
 */
public record ServerLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxHeaderBytes,
                           int maxBodyBytes, int maxConnections, int maxConnectionsPerAddress, int threads,
                           double failedAuthPerMinute, int failedAuthBurst) {
    /** Prefix of the configuration keys. */
    static final String PREFIX = "canary.api.";

    public ServerLimits {
        positive(headerTimeout, "header-timeout");
        positive(bodyTimeout, "body-timeout");
        positive(idleTimeout, "idle-timeout");
        atLeast(maxHeaderBytes, 1024, "max-header-bytes");
        atLeast(maxBodyBytes, 1, "max-body-bytes");
        atLeast(maxConnections, 1, "max-connections");
        atLeast(maxConnectionsPerAddress, 1, "max-connections-per-address");
        atLeast(threads, 4, "threads");
        if (!(failedAuthPerMinute > 0)) {
            throw new CanaryConfigurationException(PREFIX + "failed-auth-per-minute must be positive");
        }
        atLeast(failedAuthBurst, 1, "failed-auth-burst");
    }

    /** The defaults listed above. */
    public static ServerLimits defaults() {
        return new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30), 8192, 64 * 1024,
                512, 16, 16, 10, 20);
    }

    /**
     * The limits from {@code canary.api.*} keys, each falling back to its default.
     *
     * @throws CanaryConfigurationException naming the key whose value is wrong
     */
    public static ServerLimits fromConfig(CanaryConfig config) {
        ServerLimits d = defaults();
        return new ServerLimits(
                config.getDuration(PREFIX + "header-timeout", d.headerTimeout),
                config.getDuration(PREFIX + "body-timeout", d.bodyTimeout),
                config.getDuration(PREFIX + "idle-timeout", d.idleTimeout),
                config.getInt(PREFIX + "max-header-bytes", d.maxHeaderBytes),
                config.getInt(PREFIX + "max-body-bytes", d.maxBodyBytes),
                config.getInt(PREFIX + "max-connections", d.maxConnections),
                config.getInt(PREFIX + "max-connections-per-address", d.maxConnectionsPerAddress),
                config.getInt(PREFIX + "threads", d.threads),
                config.getDouble(PREFIX + "failed-auth-per-minute", d.failedAuthPerMinute),
                config.getInt(PREFIX + "failed-auth-burst", d.failedAuthBurst));
    }

    /** A copy with other header, body and idle timeouts. */
    public ServerLimits withTimeouts(Duration header, Duration body, Duration idle) {
        return new ServerLimits(header, body, idle, maxHeaderBytes, maxBodyBytes, maxConnections,
                maxConnectionsPerAddress, threads, failedAuthPerMinute, failedAuthBurst);
    }

    /** A copy with another per-address connection cap. */
    public ServerLimits withMaxConnectionsPerAddress(int v) {
        return new ServerLimits(headerTimeout, bodyTimeout, idleTimeout, maxHeaderBytes, maxBodyBytes, maxConnections,
                v, threads, failedAuthPerMinute, failedAuthBurst);
    }

    /** A copy with another failed-authentication allowance per source address. */
    public ServerLimits withFailedAuth(double perMinute, int burst) {
        return new ServerLimits(headerTimeout, bodyTimeout, idleTimeout, maxHeaderBytes, maxBodyBytes, maxConnections,
                maxConnectionsPerAddress, threads, perMinute, burst);
    }

    /** A copy with another body size limit. */
    public ServerLimits withMaxBodyBytes(int v) {
        return new ServerLimits(headerTimeout, bodyTimeout, idleTimeout, maxHeaderBytes, v, maxConnections,
                maxConnectionsPerAddress, threads, failedAuthPerMinute, failedAuthBurst);
    }

    private static void positive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isZero() || d.isNegative()) {
            throw new CanaryConfigurationException(PREFIX + key + " must be a positive duration such as 10s");
        }
    }

    private static void atLeast(int v, int min, String key) {
        if (v < min) {
            throw new CanaryConfigurationException(PREFIX + key + " must be at least " + min + " (it is " + v + ")");
        }
    }
}
