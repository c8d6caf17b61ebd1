package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Keyed hashing and the alphabet names are written in. */
final class Keyed {
    /** Lower-case base32 without i, l, o, u: looks like a short hash, never spells much. */
    static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    static final String LETTERS = "abcdefghjkmnpqrstvwxyz";
    /** The shortest HMAC key accepted, in characters. */
    static final int MIN_KEY_LENGTH = 16;

    private Keyed() {
    }

    static Secret requireKey(@Nullable Secret key, String what) {
        if (key == null) {
            throw new CanaryConfigurationException(what + " needs a key: set canary.namer.<name>.key (at least "
                    + MIN_KEY_LENGTH + " characters, kept secret) or pass one to the builder");
        }
        if (key.length() < MIN_KEY_LENGTH) {
            throw new CanaryConfigurationException(what + " key is too short (" + key.length() + " characters): use at "
                    + "least " + MIN_KEY_LENGTH + " random characters");
        }
        return key;
    }

    /** A fresh random key, for namers whose names need not be reproducible across restarts. */
    static Secret randomKey(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Secret.of(Base64.getEncoder().encodeToString(b));
    }

    static byte[] hmac(Secret key, String message) {
        return new Hasher(key).hmac(message);
    }

    /** HMAC-SHA256 under one key, with one initialised {@link Mac} per thread. Never prints the key. */
    static final class Hasher {
        private final ThreadLocal<Mac> mac;

        Hasher(Secret key) {
            SecretKeySpec spec = new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(spec);
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available", e);
                }
            });
        }

        byte[] hmac(String message) {
            return mac.get().doFinal(message.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Hasher[" + Secret.MASK + "]";
        }
    }

    /** The canonical text of an asset for hashing: kind and id, length-prefixed so that no two assets collide. */
    static String canonical(Asset asset) {
        return asset.kind().length() + ":" + asset.kind() + "|" + asset.id().length() + ":" + asset.id();
    }

    /** {@code length} characters of {@link #ALPHABET} from {@code bytes} (5 bits each; up to 51 from 32 bytes). */
    static String encode(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder(length);
        int bit = 0;
        for (int i = 0; i < length; i++) {
            int v = 0;
            for (int k = 0; k < 5; k++) {
                int byteIndex = bit / 8;
                int b = byteIndex < bytes.length ? bytes[byteIndex] & 0xff : 0;
                v = (v << 1) | ((b >> (7 - bit % 8)) & 1);
                bit++;
            }
            sb.append(ALPHABET.charAt(v));
        }
        return sb.toString();
    }

    /**
     * {@code token} in groups of at most {@code size} characters joined by {@code -}, so that no run of letters and
     * digits is long enough to look machine-random to the fingerprint check (it flags runs of 12 or more).
     */
    static String group(String token, int size) {
        StringBuilder sb = new StringBuilder(token.length() + token.length() / size);
        for (int i = 0; i < token.length(); i += size) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(token, i, Math.min(token.length(), i + size));
        }
        return sb.toString();
    }

    /** The length of {@code n} characters after {@link #group}. */
    static int groupedLength(int n, int size) {
        return n + (n - 1) / size;
    }

    /** An unsigned int from four bytes at {@code offset}. */
    static int pick(byte[] bytes, int offset, int bound) {
        long v = ((bytes[offset] & 0xffL) << 24) | ((bytes[offset + 1] & 0xffL) << 16) | ((bytes[offset + 2] & 0xffL) << 8)
                | (bytes[offset + 3] & 0xffL);
        return (int) (v % bound);
    }
}
