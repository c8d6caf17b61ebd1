package io.canarykit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret value: a secret access key, a session token, a password or an HMAC key. Its {@link #toString()} prints a
 * fixed mask, so a secret that ends up in a log line, a record's {@code toString} or an exception message shows
 * nothing. Call {@link #reveal()} only where the value must leave the process (the AWS call, the placement).
 *
 * @since 0.1.0
 */
public final class Secret {
    /** What every secret prints as. */
    public static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @throws IllegalArgumentException if the value is empty (the message never contains the value)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** Wraps a secret value, or returns {@code null} for a {@code null} or empty value. */
    public static @Nullable Secret ofNullable(@Nullable String value) {
        return value == null || value.isEmpty() ? null : new Secret(value);
    }

    /** The secret itself. Never log, print or store what this returns. */
    public String reveal() {
        return value;
    }

    /** Length of the secret, safe to report. */
    public int length() {
        return value.length();
    }

    /** Compares in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the value would be a (weak) fingerprint of it; secrets are not map keys
    }

    /** Always {@value #MASK}. */
    @Override
    public String toString() {
        return MASK;
    }
}
