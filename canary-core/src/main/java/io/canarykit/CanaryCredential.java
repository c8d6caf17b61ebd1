package io.canarykit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A canary's credential as the issuer hands it to a placement. It exists only between issuer and placement: it is
 * never stored, and its {@code toString} shows the access key id only.
 *
 * @param accessKeyId     {@code AKIA…} or {@code ASIA…}
 * @param secretAccessKey the secret access key
 * @param sessionToken    the session token of short-term credentials, or {@code null}
 * @param expiration      when short-term credentials expire, or {@code null} for long-term keys
 *
 * @since 0.1.0
 */
public record CanaryCredential(String accessKeyId, Secret secretAccessKey, @Nullable Secret sessionToken,
                               @Nullable Instant expiration) {

    public CanaryCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        if (accessKeyId.isBlank()) {
            throw new CanaryConfigurationException("access key id must not be blank");
        }
    }

    /** Long-term credentials (no token, no expiry). */
    public static CanaryCredential longTerm(String accessKeyId, Secret secretAccessKey) {
        return new CanaryCredential(accessKeyId, secretAccessKey, null, null);
    }

    /** True when a session token is present. */
    public boolean isSession() {
        return sessionToken != null;
    }

    @Override
    public String toString() {
        return "CanaryCredential[accessKeyId=" + accessKeyId + ", secretAccessKey=" + Secret.MASK
                + (sessionToken == null ? "" : ", sessionToken=" + Secret.MASK)
                + (expiration == null ? "" : ", expiration=" + expiration) + "]";
    }
}
