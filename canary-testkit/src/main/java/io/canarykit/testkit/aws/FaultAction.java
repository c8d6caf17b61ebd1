package io.canarykit.testkit.aws;

import io.canarykit.testkit.internal.ClassPathReads;
import com.github.tomakehurst.wiremock.http.Fault;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What an injected fault does to a call: an AWS error in the service's own protocol (5xx, throttling, any code), a
 * broken connection (WireMock {@link Fault}), or added latency.
 *
 * @since 0.1.0
 */
public final class FaultAction {
    static {
        ClassPathReads.readWireMock(); // on the module path WireMock is on the class path (see ClassPathReads)
    }

    enum Kind { SERVER_ERROR, THROTTLE, ERROR, CONNECTION, LATENCY }

    final Kind kind;
    final int status;
    /** {@link Kind#ERROR} only. */
    final @Nullable String code;
    /** {@link Kind#ERROR} only. */
    final @Nullable String message;
    /** {@link Kind#CONNECTION} only. */
    final @Nullable Fault fault;
    /** {@link Kind#LATENCY} only (zero for every other kind). */
    final Duration latency;

    private FaultAction(Kind kind, int status, @Nullable String code, @Nullable String message, @Nullable Fault fault,
                        Duration latency) {
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.message = message;
        this.fault = fault;
        this.latency = latency;
    }

    /** HTTP 500 with the service's internal-failure code ({@code ServiceFailure} for IAM, {@code InternalError} for S3, ...). */
    public static FaultAction serverError() {
        return serverError(500);
    }

    /** A 5xx with the service's matching code (503 answers {@code ServiceUnavailable}/{@code SlowDown} style codes). */
    public static FaultAction serverError(int status) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("a server error needs a 5xx status, not " + status);
        }
        return new FaultAction(Kind.SERVER_ERROR, status, null, null, null, Duration.ZERO);
    }

    /** 503 Service Unavailable. */
    public static FaultAction serviceUnavailable() {
        return serverError(503);
    }

    /** The service's throttling error ({@code Throttling} for IAM/STS, {@code ThrottlingException} for JSON services, {@code SlowDown} for S3). */
    public static FaultAction throttle() {
        return new FaultAction(Kind.THROTTLE, 0, null, null, null, Duration.ZERO);
    }

    /** Any AWS error, formatted in the service's protocol. */
    public static FaultAction error(int status, String code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        return new FaultAction(Kind.ERROR, status, code, message, null, Duration.ZERO);
    }

    /** The connection is reset (the client sees an I/O error, not an AWS error). */
    public static FaultAction connectionReset() {
        return connection(Fault.CONNECTION_RESET_BY_PEER);
    }

    /** The server closes the connection without answering. */
    public static FaultAction emptyResponse() {
        return connection(Fault.EMPTY_RESPONSE);
    }

    /** Any WireMock connection fault. */
    public static FaultAction connection(Fault fault) {
        return new FaultAction(Kind.CONNECTION, 0, null, null, Objects.requireNonNull(fault, "fault"), Duration.ZERO);
    }

    /** Delays the answer; the call is then served normally. */
    public static FaultAction latency(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        return new FaultAction(Kind.LATENCY, 0, null, null, null, delay);
    }

    /** Whether this action replaces the answer (everything except latency). */
    boolean terminal() {
        return kind != Kind.LATENCY;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SERVER_ERROR -> "serverError(" + status + ")";
            case THROTTLE -> "throttle";
            case ERROR -> "error(" + status + " " + code + ")";
            case CONNECTION -> "connection(" + fault + ")";
            case LATENCY -> "latency(" + latency.toMillis() + "ms)";
        };
    }
}
