package io.canarykit.fingerprint;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KeyIdsPropertiesTest {

    @Property(tries = 2000)
    void parseNeverThrowsOnAnyString(@ForAll String s) {
        KeyId k = KeyIds.parse(s);
        assertThat(k).isNotNull();
        assertThat(k.decodes() || k.reason() != null).isTrue();
        assertThat(k.toString()).isNotNull();
        FingerprintReport r = FingerprintCheck.create().check(s);
        if (!k.decodes()) {
            assertThat(r.verdict()).isNotEqualTo(Verdict.CLEAN);
        }
    }

    @Property(tries = 2000)
    void parseNeverThrowsOnKeyLikeStrings(@ForAll("keyLike") String s) {
        KeyId k = KeyIds.parse(s);
        if (k.decodes()) {
            assertThat(k.accountId()).matches("\\d{12}");
            assertThat(k.lenientAccountId()).isEqualTo(k.accountId());
            assertThat(k.format()).isEqualTo(KeyIdFormat.NEW);
        }
    }

    @Property(tries = 1000)
    void generateRoundTrips(@ForAll @LongRange(min = 0, max = 999_999_999_999L) long account,
                            @ForAll("prefixes") String prefix, @ForAll long seed) {
        String a = String.format(Locale.ROOT, "%012d", account);
        String id = KeyIds.generate(prefix, a, new SplittableRandom(seed));
        assertThat(KeyIds.parse(id).accountId()).isEqualTo(a);
    }

    @Provide
    Arbitrary<String> keyLike() {
        Arbitrary<String> prefix = Arbitraries.of("AKIA", "ASIA", "AIDA", "AROA", "AXYZ", "akia");
        Arbitrary<String> body = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc/+=")
                .ofMinLength(0).ofMaxLength(30);
        return Combinators.combine(prefix, body).as((p, b) -> p + b);
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "AKIA", "ANPA", "ANVA", "APKA", "AROA", "ASCA",
                "ASIA");
    }
}
