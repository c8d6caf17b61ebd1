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
 * caller. A token shaped like a JSON Web Token ({@link #isJwt(String)}) is left to the OpenID Connect authenticators
 * (answered {@link Authentication#notApplicable()}), and no configured token may have that shape. Thread-safe.
 *
 * @since 0.1.0
 */
public final class BearerTokenAuthenticator implements CallerAuthenticator {
    /** The scheme name recorded in identities and the audit log. */
    public static final String SCHEME = "bearer";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final String PREFIX = "Bearer ";
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

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
        if (values.size() == 1 && looksLikeJwt(presented)) {
            return Authentication.notApplicable();
        }
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

    /**
     * True if an {@code Authorization} value is {@code Bearer } and a compact JSON Web Token: three base64url parts
     * separated by dots, the first a JSON object (the JOSE header). Only the shape is looked at; nothing is verified.
     */
    public static boolean isJwt(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && looksLikeJwt(authorization.substring(PREFIX.length()));
    }

    private static boolean looksLikeJwt(String token) {
        if (token.length() > 16_384 || !JWT.matcher(token).matches()) {
            return false;
        }
        try {
            byte[] header = java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')));
            return header.length > 1 && header[0] == '{';
        } catch (IllegalArgumentException e) {
            return false;
        }
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
            if (!TOKEN.matcher(token.reveal()).matches() || token.length() < 16 || looksLikeJwt(token.reveal())) {
                throw new CanaryConfigurationException("the bearer token of caller " + caller + " must be at least 16 "
                        + "characters of letters, digits and - . _ ~ + / (then = padding), not shaped like a JSON Web "
                        + "Token; generate one with 'openssl rand -hex 32'");
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
