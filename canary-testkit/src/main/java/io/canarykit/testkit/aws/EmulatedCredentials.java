package io.canarykit.testkit.aws;

import io.canarykit.Secret;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A set of AWS credentials the emulator issued (or that a test got back from an SDK call against it). The secret
 * access key and session token are {@link Secret}s: {@link #toString()} shows the access key id only.
 *
 * @since 0.1.0
 */
public final class EmulatedCredentials {
    private final String accessKeyId;
    private final Secret secretAccessKey;
    private final @Nullable Secret sessionToken;
    private final @Nullable Instant expiration;

    private EmulatedCredentials(String accessKeyId, Secret secretAccessKey, @Nullable Secret sessionToken,
                                @Nullable Instant expiration) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        this.sessionToken = sessionToken;
        this.expiration = expiration;
    }

    /** Long-term credentials (an IAM user's access key). */
    public static EmulatedCredentials of(String accessKeyId, String secretAccessKey) {
        return new EmulatedCredentials(accessKeyId, Secret.of(secretAccessKey), null, null);
    }

    /**
     * Temporary credentials.
     *
     * @param expiration when they expire, or {@code null} if unknown
     */
    public static EmulatedCredentials of(String accessKeyId, String secretAccessKey, String sessionToken,
                                         @Nullable Instant expiration) {
        return new EmulatedCredentials(accessKeyId, Secret.of(secretAccessKey), Secret.of(sessionToken), expiration);
    }

    /** Wraps SDK credentials (basic or session). */
    public static EmulatedCredentials of(AwsCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        if (credentials instanceof AwsSessionCredentials s) {
            return of(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(), s.expirationTime().orElse(null));
        }
        return of(credentials.accessKeyId(), credentials.secretAccessKey());
    }

    /** The access key id ({@code AKIA…} or {@code ASIA…}). */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** The secret access key; never log what {@link Secret#reveal()} returns. */
    public Secret secretAccessKey() {
        return secretAccessKey;
    }

    /** The session token, or {@code null} for long-term credentials. */
    public @Nullable Secret sessionToken() {
        return sessionToken;
    }

    /** When temporary credentials expire, or {@code null}. */
    public @Nullable Instant expiration() {
        return expiration;
    }

    /** The SDK form of these credentials. */
    public AwsCredentials toAwsCredentials() {
        if (sessionToken != null) {
            return AwsSessionCredentials.create(accessKeyId, secretAccessKey.reveal(), sessionToken.reveal());
        }
        return AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal());
    }

    /** A static credentials provider for SDK clients. */
    public AwsCredentialsProvider provider() {
        return StaticCredentialsProvider.create(toAwsCredentials());
    }

    /** The same access key id with another secret: for tests that prove a wrong secret is refused. */
    public EmulatedCredentials withWrongSecret() {
        String s = secretAccessKey.reveal();
        char last = s.charAt(s.length() - 1);
        return new EmulatedCredentials(accessKeyId, Secret.of(s.substring(0, s.length() - 1) + (last == 'A' ? 'B' : 'A')),
                sessionToken, expiration);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof EmulatedCredentials other && accessKeyId.equals(other.accessKeyId)
                && secretAccessKey.equals(other.secretAccessKey) && Objects.equals(sessionToken, other.sessionToken);
    }

    @Override
    public int hashCode() {
        return accessKeyId.hashCode();
    }

    /** Shows the access key id only. */
    @Override
    public String toString() {
        return "EmulatedCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=" + Secret.MASK
                + (sessionToken != null ? ", sessionToken=" + Secret.MASK : "")
                + (expiration != null ? ", expiration=" + expiration : "") + "]";
    }
}
