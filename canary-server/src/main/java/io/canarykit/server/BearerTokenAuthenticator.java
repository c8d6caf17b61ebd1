package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Callers that present a static token: {@code Authorization: Bearer <token>}. The header value must be exactly the
 * scheme, one space and the token (RFC 6750 token characters only): nothing is trimmed, so {@code Bearer <token>\0} or
 * a token with a trailing control character is refused. Tokens are compared in constant time, over every configured
 * caller. Thread-safe.
 *
 * @since 0.1.0
 */
public final class BearerTokenAuthenticator implements CallerAuthenticator {
    /** The scheme name recorded in identities and the audit log. */
    public static final String SCHEME = "bearer";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final String PREFIX = "Bearer ";

    private final Map<String, byte[]> tokenHashes;

    private BearerTokenAuthenticator(Map<String, Secret> tokens) {
        Map<String, byte[]> hashes = new LinkedHashMap<>();
        tokens.forEach((caller, token) -> hashes.put(caller, sha256(token.reveal())));
        this.tokenHashes = Map.copyOf(hashes);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
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
        String presented = values.get(0).substring(PREFIX.length());
        if (!TOKEN.matcher(presented).matches()) {
            return Authentication.refused("malformed bearer token: send exactly 'Bearer <token>', the token made of "
                    + "letters, digits and - . _ ~ + / = only");
        }
        byte[] hash = sha256(presented);
        String match = null;
        for (Map.Entry<String, byte[]> e : tokenHashes.entrySet()) { // no early exit: constant time over callers
            if (MessageDigest.isEqual(hash, e.getValue())) {
                match = e.getKey();
            }
        }
        return match == null ? Authentication.refused("invalid bearer token")
                : Authentication.accepted(CallerIdentity.of(match, SCHEME));
    }

    private static byte[] sha256(String s) {
        return Hashes.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Builder for {@link BearerTokenAuthenticator}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Map<String, Secret> tokens = new LinkedHashMap<>();

        Builder() {
        }

        /**
         * A caller and its token.
         *
         * @throws CanaryConfigurationException if the token has characters a bearer token cannot have, is shorter
         *         than 16 characters, or is another caller's (the message never shows it)
         */
        public Builder token(String caller, Secret token) {
            CallerIdentity.of(caller, SCHEME);
            Objects.requireNonNull(token, "token");
            if (!TOKEN.matcher(token.reveal()).matches() || token.length() < 16) {
                throw new CanaryConfigurationException("the bearer token of caller " + caller + " must be at least 16 "
                        + "characters of letters, digits and - . _ ~ + / (then = padding); generate one with "
                        + "'openssl rand -hex 32'");
            }
            for (Map.Entry<String, Secret> e : tokens.entrySet()) {
                if (!e.getKey().equals(caller) && e.getValue().equals(token)) {
                    throw new CanaryConfigurationException("callers " + e.getKey() + " and " + caller
                            + " have the same bearer token; give each its own");
                }
            }
            tokens.put(caller, token);
            return this;
        }

        /** Builds it. */
        public BearerTokenAuthenticator build() {
            return new BearerTokenAuthenticator(tokens);
        }
    }
}
