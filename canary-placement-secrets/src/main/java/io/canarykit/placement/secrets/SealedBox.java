package io.canarykit.placement.secrets;

import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * libsodium's sealed box ({@code crypto_box_seal}), the encryption GitHub requires for Actions secrets: a fresh X25519
 * key pair per message; the nonce is BLAKE2b-192 of the ephemeral and the recipient public keys; the message is
 * {@code crypto_box}ed (X25519, HSalsa20, XSalsa20-Poly1305) with the ephemeral secret key; the output is the
 * ephemeral public key followed by the Poly1305 tag and the ciphertext (48 bytes longer than the message).
 *
 * <p>Every primitive is Bouncy Castle's (lightweight API): {@link X25519Agreement}, {@link Blake2bDigest},
 * {@link XSalsa20Engine}, {@link Poly1305}. The one step NaCl adds, the box key {@code HSalsa20(shared, 0¹⁶)}, is
 * taken from Bouncy Castle's XSalsa20 key setup itself (the first step of XSalsa20 is exactly that HSalsa20). The
 * ephemeral secret key is wiped after use. Proven by known-answer tests (NaCl's published {@code crypto_box} vector and
 * sealed boxes with fixed ephemeral keys) and by boxes opened with libsodium. Stateless and thread-safe.
 */
final class SealedBox {
    /** Key, nonce and tag sizes. */
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 24;
    static final int MAC_BYTES = 16;
    static final int SEAL_BYTES = KEY_BYTES + MAC_BYTES;

    private SealedBox() {
    }

    /**
     * Seals {@code message} for {@code recipientPublicKey} with a fresh ephemeral key from {@code random}.
     *
     * @throws IllegalArgumentException if the public key is not 32 bytes or is a low-order point
     */
    static byte[] seal(byte[] recipientPublicKey, byte[] message, SecureRandom random) {
        byte[] ephemeral = new byte[KEY_BYTES];
        random.nextBytes(ephemeral);
        try {
            return seal(recipientPublicKey, message, ephemeral);
        } finally {
            Arrays.fill(ephemeral, (byte) 0);
        }
    }

    /** Seals with the given ephemeral secret key (known-answer tests); {@link #seal(byte[], byte[], SecureRandom)} otherwise. */
    static byte[] seal(byte[] recipientPublicKey, byte[] message, byte[] ephemeralSecretKey) {
        checkKey(recipientPublicKey, "recipient public key");
        X25519PrivateKeyParameters esk = new X25519PrivateKeyParameters(ephemeralSecretKey, 0);
        byte[] epk = esk.generatePublicKey().getEncoded();
        byte[] nonce = new byte[NONCE_BYTES];
        Blake2bDigest blake = new Blake2bDigest(NONCE_BYTES * 8);
        blake.update(epk, 0, KEY_BYTES);
        blake.update(recipientPublicKey, 0, KEY_BYTES);
        blake.doFinal(nonce, 0);
        byte[] boxed = box(message, nonce, recipientPublicKey, ephemeralSecretKey);
        byte[] out = new byte[KEY_BYTES + boxed.length];
        System.arraycopy(epk, 0, out, 0, KEY_BYTES);
        System.arraycopy(boxed, 0, out, KEY_BYTES, boxed.length);
        return out;
    }

    /**
     * {@code crypto_box_easy}: the Poly1305 tag followed by the XSalsa20 ciphertext of {@code message}, under the key
     * shared by {@code secretKey} and {@code publicKey}.
     *
     * @throws IllegalArgumentException for a wrong key or nonce size, or a public key whose shared secret is zero
     */
    static byte[] box(byte[] message, byte[] nonce, byte[] publicKey, byte[] secretKey) {
        checkKey(publicKey, "public key");
        checkKey(secretKey, "secret key");
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a box nonce is 24 bytes, not " + nonce.length);
        }
        byte[] shared = new byte[KEY_BYTES];
        byte[] key = null;
        try {
            X25519Agreement agreement = new X25519Agreement();
            agreement.init(new X25519PrivateKeyParameters(secretKey, 0));
            try {
                agreement.calculateAgreement(new X25519PublicKeyParameters(publicKey, 0), shared, 0);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("the public key is a low-order point (the shared secret would be zero)");
            }
            key = HSalsa20.derive(shared);
            return secretBox(message, nonce, key);
        } finally {
            Arrays.fill(shared, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** {@code crypto_secretbox_easy}: XSalsa20 keystream block 0's first 32 bytes key Poly1305, the rest encrypts. */
    private static byte[] secretBox(byte[] message, byte[] nonce, byte[] key) {
        XSalsa20Engine xsalsa = new XSalsa20Engine();
        xsalsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[KEY_BYTES];
        xsalsa.processBytes(macKey, 0, KEY_BYTES, macKey, 0);
        byte[] out = new byte[MAC_BYTES + message.length];
        xsalsa.processBytes(message, 0, message.length, out, MAC_BYTES);
        Poly1305 poly = new Poly1305();
        poly.init(new KeyParameter(macKey));
        poly.update(out, MAC_BYTES, message.length);
        poly.doFinal(out, 0);
        Arrays.fill(macKey, (byte) 0);
        return out;
    }

    private static void checkKey(byte[] key, String what) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a " + what + " is 32 bytes, not " + (key == null ? "null" : key.length));
        }
    }

    /**
     * HSalsa20 with a zero input, as {@code crypto_box_beforenm} applies it to the X25519 shared secret. XSalsa20's key
     * setup computes HSalsa20(key, first 16 nonce bytes) into the engine's key words (1-4 and 11-14); initialising
     * with an all-zero nonce and reading those words back gives exactly NaCl's box key.
     */
    private static final class HSalsa20 extends XSalsa20Engine {
        static byte[] derive(byte[] shared) {
            HSalsa20 h = new HSalsa20();
            h.init(true, new ParametersWithIV(new KeyParameter(shared), new byte[NONCE_BYTES]));
            byte[] out = new byte[KEY_BYTES];
            int[] words = {h.engineState[1], h.engineState[2], h.engineState[3], h.engineState[4],
                    h.engineState[11], h.engineState[12], h.engineState[13], h.engineState[14]};
            for (int i = 0; i < words.length; i++) {
                out[4 * i] = (byte) words[i];
                out[4 * i + 1] = (byte) (words[i] >>> 8);
                out[4 * i + 2] = (byte) (words[i] >>> 16);
                out[4 * i + 3] = (byte) (words[i] >>> 24);
            }
            Arrays.fill(h.engineState, 0);
            return out;
        }
    }
}
