package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.store.CanaryStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Devices without a certificate: a per-device <em>enrollment token</em>, good for one enrollment, is exchanged once
 * for a <em>device credential</em> that the device then presents on every call.
 *
 * <ul>
 *   <li>{@code Authorization: CANARY-ENROLL <token>} on {@code POST /v1/devices/enroll} only. The token is
 *       {@code cet1.<device id>.<expiry, epoch seconds>.<HMAC-SHA256 over the part before it, base64url>} made with
 *       the server's enrollment key ({@link #enrollmentToken}; {@code canary device-token}); it names its device, so a
 *       token handed to one device cannot enrol another. It is accepted once: its digest is remembered in the store
 *       (set-if-absent, {@link ReplayGuard}) until it expires, so a second use is refused by every copy of the server
 *       and after restarts.</li>
 *   <li>{@code Authorization: CANARY-DEVICE <device id>:<secret>}: the device credential the enrollment answered with.
 *       The store keeps only its SHA-256 ({@code device-key:<id>}); a new enrollment replaces it and retiring the
 *       device deletes it.</li>
 * </ul>
 *
 * <p>Both identities are named {@code device:<id>} and may use nothing but {@code /v1/devices/}: the enrollment
 * identity only the enrollment itself. Thread-safe.
 *
 * @since 0.1.0
 */
public final class DeviceTokenAuthenticator implements CallerAuthenticator {
    /** Scheme of an identity proved by an enrollment token. */
    public static final String ENROLL_SCHEME = "device-enrollment";
    /** Scheme of an identity proved by a device credential. */
    public static final String DEVICE_SCHEME = "device-credential";
    static final String ENROLL_PREFIX = "CANARY-ENROLL ";
    static final String DEVICE_PREFIX = "CANARY-DEVICE ";
    private static final String VERSION = "cet1";
    private static final Pattern TOKEN = Pattern.compile("cet1\\.([A-Za-z0-9][A-Za-z0-9._-]{0,63})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})");
    private static final Pattern CREDENTIAL = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([A-Za-z0-9_-]{43})");

    private final Secret enrollmentKey;
    private final Clock clock;
    private final ReplayGuard replayGuard;
    private final DeviceRegistry registry;

    private DeviceTokenAuthenticator(Builder b) {
        this.enrollmentKey = Objects.requireNonNull(b.enrollmentKey, "enrollmentKey"); // build() checked it
        this.clock = b.clock;
        this.replayGuard = Objects.requireNonNull(b.replayGuard, "replayGuard"); // build() checked it
        this.registry = new DeviceRegistry(Objects.requireNonNull(b.store, "store"), b.clock); // build() checked it
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An enrollment token for {@code device}, valid until {@code expiresAt} and for one enrollment.
     *
     * @param enrollmentKey the server's {@code canary.api.authenticator.device-token.enrollment-key}
     * @param device        the device id the token enrols (a serial number): 1-64 letters, digits, {@code . _ -}
     * @throws CanaryConfigurationException if the device id is not acceptable
     */
    public static String enrollmentToken(Secret enrollmentKey, String device, Instant expiresAt) {
        if (!DeviceRegistry.ID.matcher(device).matches()) {
            throw new CanaryConfigurationException("a device id is 1-64 letters, digits, '.', '_' or '-', starting with "
                    + "a letter or digit");
        }
        String body = VERSION + "." + device + "." + expiresAt.getEpochSecond();
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(Hashes.hmac(enrollmentKey, body));
    }

    @Override
    public Authentication authenticate(AuthenticationRequest request) {
        List<String> values = request.headers("authorization");
        if (values.isEmpty()) {
            return Authentication.notApplicable();
        }
        String v = values.get(0);
        boolean enroll = v.startsWith(ENROLL_PREFIX);
        if (!enroll && !v.startsWith(DEVICE_PREFIX)) {
            return Authentication.notApplicable();
        }
        if (values.size() > 1) {
            return Authentication.refused("more than one Authorization header");
        }
        return enroll ? enrollment(request, v.substring(ENROLL_PREFIX.length()))
                : credential(v.substring(DEVICE_PREFIX.length()));
    }

    private Authentication enrollment(AuthenticationRequest request, String token) {
        if (!request.method().equals("POST") || !request.rawPath().equals(DeviceApi.ENROLL)) {
            return Authentication.refused("an enrollment token is good for POST " + DeviceApi.ENROLL + " only");
        }
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) {
            return Authentication.refused("malformed enrollment token");
        }
        String body = VERSION + "." + m.group(1) + "." + m.group(2);
        byte[] presented = Base64.getUrlDecoder().decode(m.group(3));
        if (!MessageDigest.isEqual(presented, Hashes.hmac(enrollmentKey, body))) {
            return Authentication.refused("invalid enrollment token");
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(m.group(2)));
        if (!clock.instant().isBefore(expires)) {
            return Authentication.refused("this enrollment token expired at " + expires + "; ask for a new one");
        }
        String digest = HexFormat.of().formatHex(Hashes.sha256(token.getBytes(StandardCharsets.US_ASCII)));
        if (!replayGuard.firstUse("enroll:" + digest, expires)) {
            return Authentication.refused("this enrollment token was used already: each enrols one device once; ask for "
                    + "a new one");
        }
        return Authentication.accepted(DeviceApi.identity(m.group(1), ENROLL_SCHEME));
    }

    private Authentication credential(String presented) {
        Matcher m = CREDENTIAL.matcher(presented);
        if (!m.matches()) {
            return Authentication.refused("malformed device credential: send 'CANARY-DEVICE <device id>:<secret>'");
        }
        if (!registry.credentialMatches(m.group(1), m.group(2))) {
            return Authentication.refused("invalid device credential (retired, or replaced by a newer enrollment)");
        }
        return Authentication.accepted(DeviceApi.identity(m.group(1), DEVICE_SCHEME));
    }

    /**
     * Builder for {@link DeviceTokenAuthenticator}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable Secret enrollmentKey;
        private Clock clock = Clock.systemUTC();
        private @Nullable ReplayGuard replayGuard;
        private @Nullable CanaryStore store;

        Builder() {
        }

        /** The key enrollment tokens are signed with: at least 32 characters (required). */
        public Builder enrollmentKey(Secret v) {
            Objects.requireNonNull(v, "enrollmentKey");
            if (v.length() < 32) {
                throw new CanaryConfigurationException("the device enrollment key must be at least 32 characters; "
                        + "generate one with 'openssl rand -hex 32'");
            }
            enrollmentKey = v;
            return this;
        }

        /** The clock tokens expire by. */
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

        /** Where used enrollment tokens are remembered (required; the store's, so that one use holds everywhere). */
        public Builder replayGuard(ReplayGuard v) { replayGuard = Objects.requireNonNull(v); return this; }

        /** The store holding device credentials' digests (required). */
        public Builder store(CanaryStore v) { store = Objects.requireNonNull(v); return this; }

        /** Builds it. */
        public DeviceTokenAuthenticator build() {
            if (enrollmentKey == null || replayGuard == null || store == null) {
                throw new CanaryConfigurationException("DeviceTokenAuthenticator needs an enrollment key, a replay guard "
                        + "and a store");
            }
            return new DeviceTokenAuthenticator(this);
        }
    }
}
