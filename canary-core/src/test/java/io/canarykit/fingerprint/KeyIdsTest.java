package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyIdsTest {

    static Stream<Arguments> vectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = KeyIdsTest.class.getResourceAsStream("/fingerprint/keyid-vectors.tsv")) {
            assertThat(in).as("keyid-vectors.tsv on the test class path").isNotNull();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine(); // header
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", 3);
                out.add(Arguments.of(f[0], f[1], f[2]));
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(11);
        return out.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("vectors")
    void everyVectorDecodesStrictlyAsExpected(String keyId, String expected, String source) {
        KeyId k = KeyIds.parse(keyId);
        if (expected.equals("NONE")) {
            assertThat(k.account()).as(source).isEmpty();
            assertThat(k.reason()).as("a reason for " + keyId).isNotBlank();
        } else {
            assertThat(k.account()).as(source).contains(expected);
            assertThat(k.format()).isEqualTo(KeyIdFormat.NEW);
            assertThat(k.reason()).isNull();
            assertThat(k.lenientAccountId()).as("lenient agrees on real keys").isEqualTo(expected);
        }
        assertThat(KeyIds.account(keyId)).isEqualTo(expected.equals("NONE") ? null : expected);
    }

    @Test
    void typesAndFormatsOfTheVectors() {
        assertThat(KeyIds.parse("ASIAY34FZKBOKMUTVV7A").type()).isEqualTo(KeyType.TEMPORARY_ACCESS_KEY);
        assertThat(KeyIds.parse("AKIASP2TPHJSQH3FJRUX").type()).isEqualTo(KeyType.ACCESS_KEY);
        assertThat(KeyIds.parse("AROAX2UKWH3O4FA6K6N3J").type()).isEqualTo(KeyType.ROLE);
        assertThat(KeyIds.parse("AIDACKCEVSQ6C2EXAMPLE").type()).isEqualTo(KeyType.IAM_USER);
        assertThat(KeyIds.parse("AKIAIOSFODNN7EXAMPLE").format()).isEqualTo(KeyIdFormat.OLD);
        assertThat(KeyIds.parse("AIDACKCEVSQ6C2EXAMPLE").format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(KeyIds.parse("AKIA77777777QAAAAAAA").format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(KeyIds.parse("AKIASP2TPHJS").format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(KeyIds.parse("AKIASP2TPHJS").reason()).contains("too short", "12 characters");
    }

    @Test
    void leadingZerosAreKept() {
        assertThat(KeyIds.parse("ASIAQNZGKIQY56JQ7WML").accountId()).isEqualTo("029608264753").hasSize(12);
        assertThat(KeyIds.parse("AKIAQAAAAAAAAAAAAAAA").accountId()).isEqualTo("000000000000");
    }

    @Test
    void lenientDecodingIsWhatAttackerToolsSee() {
        // generation bit 0: strict says none, trufflehog-style tools decode something
        KeyId keyhog = KeyIds.parse("AKIABZPUZDIKAUZZ7Q4X");
        assertThat(keyhog.account()).isEmpty();
        assertThat(keyhog.lenientAccount()).isPresent();
        assertThat(keyhog.lenientAccountId()).hasSize(12);
        // out of range: the lenient tool prints 13 digits
        assertThat(KeyIds.parse("AKIA77777777QAAAAAAA").lenientAccountId()).isEqualTo("1099511627775");
        // old format: both reject
        assertThat(KeyIds.parse("AKIAIOSFODNN7EXAMPLE").lenientAccount()).isEmpty();
        assertThat(KeyIds.parse("AKIAJOSFODNN7EXAMPLE").lenientAccount()).isEmpty();
        // lower case: strict rejects, lenient upper-cases
        KeyId lower = KeyIds.parse("asiay34fzkbokmutvv7a");
        assertThat(lower.format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(lower.reason()).contains("lower-case");
        assertThat(lower.lenientAccountId()).isEqualTo("609629065308");
        // too short for anyone
        assertThat(KeyIds.parse("AKIASP2TPHJS").lenientAccount()).isEmpty();
        assertThat(KeyIds.parse("AKIASP2TPHJSQ").lenientAccountId()).isEqualTo("171436882533");
    }

    @Test
    void nullAndEmptyGetAClearError() {
        KeyId n = KeyIds.parse(null);
        assertThat(n.format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(n.reason()).contains("null");
        assertThat(n.keyId()).isNull();
        assertThat(n.display()).isEqualTo("(null)");
        KeyId e = KeyIds.parse("");
        assertThat(e.format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(e.reason()).contains("empty");
        assertThat(KeyIds.account(null)).isNull();
        assertThat(KeyIds.lenientAccount(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "A", "AKIA", "AKIAY", "AKIAY34FZKBOKMUTVV7A ", " AKIAY34FZKBOKMUTVV7A", "AKIA\u00e9\u00e9\u00e9",
            "AKIA0000000000000000", "AKIA1234567890123456", "AKIA89ABCDEFGHIJKLMN", "BKIAY34FZKBOKMUTVV7A",
            "AKIAY34FZKB0KMUTVV7A", "AKIAY34F-KBOKMUTVV7A", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
            "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", "AKIAaaaaaaaaaaaaaaaa"})
    void oddInputsNeverThrowAndNeverDecode(String s) {
        KeyId k = KeyIds.parse(s);
        assertThat(k.account()).isEmpty();
        assertThat(k.reason()).isNotBlank();
        assertThat(k.toString()).isNotNull();
    }

    @Test
    void aDigitOrOtherCharacterOutsideTheDecodedPartIsAccepted() {
        // only characters 5-13 are decoded; AWS ids are [A-Z0-9] throughout
        assertThat(KeyIds.parse("ASIAY34FZKBOK0000000").accountId()).isEqualTo("609629065308");
        // a non-base32 digit inside the decoded part makes it undecodable
        KeyId k = KeyIds.parse("ASIAY34FZKB0KMUTVV7A");
        assertThat(k.format()).isEqualTo(KeyIdFormat.INVALID);
        assertThat(k.reason()).contains("character 12", "not base32");
    }

    @Test
    void lengthsOutsideAwsBoundsAreInvalid() {
        assertThat(KeyIds.parse("ASIAY34FZKBOKMU").reason()).contains("too short"); // 15
        assertThat(KeyIds.parse("ASIAY34FZKBOKMUT").accountId()).isEqualTo("609629065308"); // 16
        assertThat(KeyIds.parse("ASIAY34FZKBOKMUTVV7A" + "A".repeat(108)).accountId()).isEqualTo("609629065308"); // 128
        assertThat(KeyIds.parse("ASIAY34FZKBOKMUTVV7A" + "A".repeat(109)).reason()).contains("too long");
    }

    @Test
    void unknownPrefixesAreReportedNotDecoded() {
        KeyId k = KeyIds.parse("AXYZY34FZKBOKMUTVV7A");
        assertThat(k.type()).isEqualTo(KeyType.UNKNOWN);
        assertThat(k.prefix()).isEqualTo("AXYZ");
        assertThat(k.format()).isEqualTo(KeyIdFormat.NEW);
        assertThat(k.account()).isEmpty();
        assertThat(k.reason()).contains("unknown prefix 'AXYZ'");
        assertThat(k.lenientAccountId()).isEqualTo("609629065308");
    }

    @Test
    void allTwelveDocumentedPrefixesAreKnown() {
        List<String> prefixes = List.of("ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "AKIA", "ANPA", "ANVA", "APKA", "AROA",
                "ASCA", "ASIA");
        for (String p : prefixes) {
            KeyType t = KeyType.fromPrefix(p);
            assertThat(t).as(p).isNotEqualTo(KeyType.UNKNOWN);
            assertThat(t.prefix()).isEqualTo(p);
            assertThat(KeyIds.parse(p + "Y34FZKBOKMUTVV7A").accountId()).as(p).isEqualTo("609629065308");
        }
        assertThat(KeyType.values()).hasSize(13);
        assertThat(KeyType.fromPrefix("akia")).isEqualTo(KeyType.UNKNOWN);
        assertThat(KeyType.fromPrefix(null)).isEqualTo(KeyType.UNKNOWN);
    }

    @Test
    void reasonsNeverEchoTheInput() {
        String secretLike = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        KeyId k = KeyIds.parse(secretLike);
        assertThat(k.reason()).doesNotContain("wJalr", "EXAMPLEKEY");
        assertThat(k.toString()).doesNotContain("wJalr", "EXAMPLEKEY");
        assertThat(k.display()).isEqualTo("(hidden input of 40 characters)");
        assertThat(KeyIds.parse("AKIAY34FZKBOKMUTVV7A").display()).isEqualTo("AKIAY34FZKBOKMUTVV7A");
    }

    @Test
    void generatedIdsDecodeToTheirAccount() {
        SplittableRandom random = new SplittableRandom(42);
        List<String> accounts = List.of("000000000000", "000000000001", "052310077262", "609629065308",
                "999999999999", "123456789012");
        for (String prefix : List.of("AKIA", "ASIA", "AIDA", "AROA", "ANPA")) {
            for (String account : accounts) {
                for (int i = 0; i < 20; i++) {
                    String id = KeyIds.generate(prefix, account, random);
                    KeyId k = KeyIds.parse(id);
                    assertThat(k.accountId()).as(id).isEqualTo(account);
                    assertThat(k.lenientAccountId()).isEqualTo(account);
                    assertThat(k.format()).isEqualTo(KeyIdFormat.NEW);
                    assertThat(id).startsWith(prefix).matches("[A-Z2-7]+");
                    assertThat(id).hasSize(prefix.equals("AKIA") || prefix.equals("ASIA") ? 20 : 21);
                }
            }
        }
        assertThat(KeyIds.generate("AKIA", "609629065308", random, 128)).hasSize(128);
        String role = KeyIds.generate(KeyType.ROLE, "052310077262", random);
        assertThat(role).startsWith("AROA").hasSize(21);
        assertThat(KeyIds.account(role)).isEqualTo("052310077262");
    }

    @Test
    void generatedIdsDiffer() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(Stream.generate(() -> KeyIds.generate("AKIA", "609629065308", random)).limit(200).distinct())
                .hasSize(200);
    }

    @Test
    void generateRejectsBadInput() {
        SplittableRandom random = new SplittableRandom(1);
        assertThatThrownBy(() -> KeyIds.generate("AXYZ", "609629065308", random))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("unknown key id prefix");
        assertThatThrownBy(() -> KeyIds.generate("AKIA", "6096290653", random))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12 digits");
        assertThatThrownBy(() -> KeyIds.generate(KeyType.UNKNOWN, "609629065308", random))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("unknown key id prefix");
        assertThatThrownBy(() -> KeyIds.generate("AKIA", "609629065308", random, 15))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("length 15");
    }
}
