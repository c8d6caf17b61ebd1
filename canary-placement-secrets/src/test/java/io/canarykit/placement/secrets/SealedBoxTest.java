package io.canarykit.placement.secrets;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Known answers for the sealed box: NaCl's crypto_box vector and sealed boxes with fixed ephemeral keys (box-vectors.txt). */
class SealedBoxTest {
    static final Map<String, byte[]> V = vectors();

    static Map<String, byte[]> vectors() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = SealedBoxTest.class.getResourceAsStream("box-vectors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.trim().split(" ");
                out.put(kv[0], kv[1].equals("-") ? new byte[0] : HexFormat.of().parseHex(kv[1]));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void cryptoBoxGivesNaclsPublishedAnswer() {
        byte[] box = SealedBox.box(V.get("box.message"), V.get("box.nonce"), V.get("box.public-key"), V.get("box.secret-key"));
        assertThat(HexFormat.of().formatHex(box)).isEqualTo(HexFormat.of().formatHex(V.get("box.box")));
    }

    @Test
    void sealedBoxesWithFixedEphemeralKeysMatchLibsodium() {
        for (int i = 1; i <= 3; i++) {
            byte[] sealed = SealedBox.seal(V.get("seal.recipient-public-key"), V.get("seal." + i + ".message"),
                    V.get("seal." + i + ".ephemeral-secret-key"));
            assertThat(HexFormat.of().formatHex(sealed)).as("vector " + i)
                    .isEqualTo(HexFormat.of().formatHex(V.get("seal." + i + ".sealed")));
        }
    }

    @Test
    void aFreshEphemeralKeyEveryTimeAndTheSizeLibsodiumExpects() {
        SecureRandom random = new SecureRandom();
        byte[] pk = V.get("seal.recipient-public-key");
        byte[] m = "AKIAZ7KQ3M4XBOWNT2UF".getBytes(StandardCharsets.US_ASCII);
        byte[] a = SealedBox.seal(pk, m, random);
        byte[] b = SealedBox.seal(pk, m, random);
        assertThat(a).hasSize(m.length + SealedBox.SEAL_BYTES).isNotEqualTo(b);
        assertThat(java.util.Arrays.copyOf(a, 32)).isNotEqualTo(java.util.Arrays.copyOf(b, 32));
    }

    @Test
    void lowOrderAndMisSizedKeysAreRefused() {
        assertThatThrownBy(() -> SealedBox.seal(V.get("box.small-order-public-key"), new byte[1], new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low-order");
        assertThatThrownBy(() -> SealedBox.seal(new byte[31], new byte[1], new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> SealedBox.box(new byte[1], new byte[23], V.get("box.public-key"), V.get("box.secret-key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("24 bytes");
    }
}
