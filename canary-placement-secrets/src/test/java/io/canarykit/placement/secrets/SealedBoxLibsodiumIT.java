package io.canarykit.placement.secrets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through libsodium itself (PyNaCl in another process): boxes sealed here open there, for messages of
 * every shape a placement sends; a box with one flipped bit does not (the positive control that the opener checks).
 */
class SealedBoxLibsodiumIT {
    /** Generates a key pair; prints secret and public key as hex. */
    static final String KEYGEN = "import nacl.public\nk = nacl.public.PrivateKey.generate()\n"
            + "print(bytes(k).hex(), bytes(k.public_key).hex())";
    /** Opens the base64 sealed box on stdin with the secret key in argv[1]; prints the plaintext as hex. */
    static final String OPEN = "import sys, base64, nacl.public\n"
            + "k = nacl.public.PrivateKey(bytes.fromhex(sys.argv[1]))\n"
            + "print(nacl.public.SealedBox(k).decrypt(base64.b64decode(sys.stdin.read())).hex())";

    @BeforeAll
    static void libsodium() {
        Libsodium.require();
    }

    @Test
    void boxesSealedHereOpenWithLibsodium() {
        Libsodium.Result keys = Libsodium.python(KEYGEN, null);
        assertThat(keys.exit()).as(keys.err()).isZero();
        String[] kp = keys.out().split(" ");
        byte[] pk = HexFormat.of().parseHex(kp[1]);
        SecureRandom random = new SecureRandom();
        String[] messages = {"", "x", "AKIAZ7KQ3M4XBOWNT2UF", "Vq8x/2sLk9Pz+0bN3mFh7TgYw1eRcUaDoIjHn5Ks",
                "IQoJb3JpZ2luX2Vj" + "A".repeat(900) + "==", "{\"AWS_ACCESS_KEY_ID\":\"AKIA…\",\"ünïcödé\":\"✓\"}",
                "AWS_ACCESS_KEY_ID=AKIAZ7KQ3M4XBOWNT2UF\nAWS_SECRET_ACCESS_KEY=x\n"};
        for (String m : messages) {
            byte[] message = m.getBytes(StandardCharsets.UTF_8);
            byte[] sealed = SealedBox.seal(pk, message, random);
            Libsodium.Result opened = Libsodium.python(OPEN,
                    Base64.getEncoder().encode(sealed), kp[0]);
            assertThat(opened.exit()).as("libsodium opens it: " + opened.err()).isZero();
            assertThat(opened.out()).isEqualTo(HexFormat.of().formatHex(message));
        }

        byte[] sealed = SealedBox.seal(pk, "AKIAZ7KQ3M4XBOWNT2UF".getBytes(StandardCharsets.US_ASCII), random);
        sealed[sealed.length - 1] ^= 1;
        Libsodium.Result tampered = Libsodium.python(OPEN, Base64.getEncoder().encode(sealed), kp[0]);
        assertThat(tampered.exit()).isNotZero();
        assertThat(tampered.err()).contains("CryptoError");
    }
}
