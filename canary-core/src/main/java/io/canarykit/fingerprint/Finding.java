package io.canarykit.fingerprint;

import java.util.Objects;

/**
 * One thing that gives a canary away (or could not be checked).
 *
 * @param code     what was found; its {@link FindingCode#code()} is the stable JSON {@code code}
 * @param severity how much it gives away
 * @param message  one sentence a person understands, saying what was found and why it matters; never a secret
 *
 * @since 0.1.0
 */
public record Finding(FindingCode code, Severity severity, String message) {
    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return severity.jsonName() + " " + code.code() + ": " + message;
    }
}
