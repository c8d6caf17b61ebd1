package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Callers that sign each request with a shared key:
 * {@code Authorization: CANARY-HMAC-SHA256 caller=<name>, timestamp=<epoch seconds>, content-sha256=<hex>, signature=<hex>},
 * where the signature is HMAC-SHA256 with the caller's key over
 * {@code METHOD \n PATH[?QUERY] \n TIMESTAMP \n hex(sha256(body))}, and {@code content-sha256} is that body hash.
 *
 * <ul>
 *   <li>With {@code content-sha256} (what {@link #authorization} writes) the signature is checked before the body is
 *       read; the body must then hash to the declared value.</li>
 *   <li>Without it (older clients) the body is read, bounded in size and time, and the signature checked over it.</li>
 *   <li>The timestamp must be within {@link Builder#maxSkew} (default 5 minutes) of the server's clock; each signature
 *       is accepted once, remembered by the {@link ReplayGuard} until its window closes (across restarts when the
 *       guard is the store's).</li>
 *   <li>The header must match exactly (no control characters, one header); keys are compared in constant time and
 *       an unknown caller costs the same as a known one.</li>
 * </ul>
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class HmacAuthenticator implements CallerAuthenticator {
    /** The scheme name recorded in identities and the audit log. */
    public static final String SCHEME = "hmac";
    private static final String PREFIX = "CANARY-HMAC-SHA256 ";
    private static final Pattern HEADER = Pattern.compile("CANARY-HMAC-SHA256 +caller=([A-Za-z0-9._@-]{1,64}), *"
            + "timestamp=(\\d{1,12}), *(?:content-sha256=([0-9a-fA-F]{64}), *)?signature=([0-9a-fA-F]{64})");

    private final Map<String, Secret> keys;
    private final Clock clock;
    private final Duration maxSkew;
    private final ReplayGuard replayGuard;

    private HmacAuthenticator(Builder b) {
        this.keys = Map.copyOf(b.keys);
        this.clock = b.clock;
        this.maxSkew = b.maxSkew;
        this.replayGuard = Objects.requireNonNull(b.replayGuard, "replayGuard"); // build() checked it
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The {@code Authorization} header value that signs a request, with its {@code content-sha256}.
     *
     * @param pathAndQuery the raw path and query exactly as sent, such as {@code /v1/canaries?asset=host/h1}
     */
    public static String authorization(String caller, Secret key, String method, String pathAndQuery, long epochSeconds,
                                       byte[] body) {
        String bodyHash = HexFormat.of().formatHex(Hashes.sha256(body));
        String sig = HexFormat.of().formatHex(Hashes.hmac(key, stringToSign(method, pathAndQuery, epochSeconds, bodyHash)));
        return "CANARY-HMAC-SHA256 caller=" + caller + ", timestamp=" + epochSeconds + ", content-sha256=" + bodyHash
                + ", signature=" + sig;
    }

    static String stringToSign(String method, String pathAndQuery, long epochSeconds, String bodyHashHex) {
        return method + "\n" + pathAndQuery + "\n" + epochSeconds + "\n" + bodyHashHex;
    }

    @Override
    public Authentication authenticate(AuthenticationRequest request) {
        List<String> values = request.headers("authorization");
        if (values.isEmpty() || !values.get(0).regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Authentication.notApplicable();
        }
        if (values.size() > 1) {
            return Authentication.refused("more than one Authorization header");
        }
        Matcher m = HEADER.matcher(values.get(0));
        if (!m.matches()) {
            return Authentication.refused("malformed signature: send 'CANARY-HMAC-SHA256 caller=<name>, "
                    + "timestamp=<epoch seconds>, content-sha256=<hex>, signature=<hex>'");
        }
        String caller = m.group(1);
        long timestamp = Long.parseLong(m.group(2));
        Instant now = clock.instant();
        if (Math.abs(now.getEpochSecond() - timestamp) > maxSkew.getSeconds()) {
            return Authentication.refused("signature timestamp is more than " + maxSkew.toMinutes()
                    + " minutes away from the server's clock");
        }
        Secret key = keys.get(caller);
        if (key == null) {
            return Authentication.refused("invalid signature");
        }
        byte[] presented = HexFormat.of().parseHex(m.group(4).toLowerCase(Locale.ROOT));
        String replayId = "hmac:" + caller + ":" + m.group(4).toLowerCase(Locale.ROOT);
        Instant keepUntil = Instant.ofEpochSecond(timestamp).plus(maxSkew).plusSeconds(1);
        CallerIdentity identity = CallerIdentity.of(caller, SCHEME);
        String declared = m.group(3) == null ? null : m.group(3).toLowerCase(Locale.ROOT);
        if (declared != null) {
            byte[] expected = Hashes.hmac(key, stringToSign(request.method(), request.pathAndQuery(), timestamp, declared));
            if (!MessageDigest.isEqual(expected, presented)) {
                return Authentication.refused("invalid signature");
            }
            if (!replayGuard.firstUse(replayId, keepUntil)) {
                return Authentication.refused("this signature was already used; sign each request anew");
            }
            byte[] declaredBytes = declared.getBytes(StandardCharsets.US_ASCII);
            return Authentication.accepted(identity, body -> MessageDigest.isEqual(declaredBytes,
                    HexFormat.of().formatHex(Hashes.sha256(body)).getBytes(StandardCharsets.US_ASCII))
                    ? null : "the body does not match content-sha256");
        }
        return Authentication.accepted(identity, body -> {
            String hash = HexFormat.of().formatHex(Hashes.sha256(body));
            byte[] expected = Hashes.hmac(key, stringToSign(request.method(), request.pathAndQuery(), timestamp, hash));
            if (!MessageDigest.isEqual(expected, presented)) {
                return "invalid signature";
            }
            return replayGuard.firstUse(replayId, keepUntil) ? null
                    : "this signature was already used; sign each request anew";
        });
    }

    /**
     * Builder for {@link HmacAuthenticator}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Map<String, Secret> keys = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Duration maxSkew = Duration.ofMinutes(5);
        private @Nullable ReplayGuard replayGuard;

        Builder() {
        }

        /**
         * A caller and its key.
         *
         * @throws CanaryConfigurationException if the key is shorter than 16 characters (never shown)
         */
        public Builder key(String caller, Secret key) {
            CallerIdentity.of(caller, SCHEME);
            if (!caller.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new CanaryConfigurationException("HMAC caller name '" + caller
                        + "' must be 1-64 letters, digits or . _ @ -");
            }
            Objects.requireNonNull(key, "key");
            if (key.length() < 16) {
                throw new CanaryConfigurationException("the HMAC key of caller " + caller + " must be at least 16 "
                        + "characters; generate one with 'openssl rand -hex 32'");
            }
            keys.put(caller, key);
            return this;
        }

        /** The clock timestamps are checked against (default the system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** How far a timestamp may be from the server's clock (default 5 minutes). */
        public Builder maxSkew(Duration v) {
            if (v.isNegative() || v.isZero() || v.compareTo(Duration.ofHours(1)) > 0) {
                throw new CanaryConfigurationException("the HMAC clock skew must be between 1 second and 1 hour");
            }
            maxSkew = v;
            return this;
        }

        /** Where used signatures are remembered (required; the server passes its store-backed guard). */
        public Builder replayGuard(ReplayGuard v) {
            replayGuard = Objects.requireNonNull(v, "replayGuard");
            return this;
        }

        /** Builds it. */
        public HmacAuthenticator build() {
            if (replayGuard == null) {
                throw new CanaryConfigurationException("an HMAC authenticator needs a replay guard");
            }
            return new HmacAuthenticator(this);
        }
    }
}
