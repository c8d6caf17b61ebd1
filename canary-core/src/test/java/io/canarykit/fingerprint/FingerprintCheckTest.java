package io.canarykit.fingerprint;

import io.canarykit.CanaryCredential;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Every finding, one by one: each test provokes one finding and checks its code, severity, message and verdict. */
class FingerprintCheckTest {
    static final String ORG = "609629065308";
    static final String OTHER = "123456789012";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SplittableRandom RANDOM = new SplittableRandom(3);

    final FingerprintCheck check = FingerprintCheck.builder().clock(CLOCK).build();

    static String akia(String account) {
        return KeyIds.generate("AKIA", account, RANDOM);
    }

    static String asia(String account) {
        return KeyIds.generate("ASIA", account, RANDOM);
    }

    static FingerprintContext org() {
        return FingerprintContext.builder().organisationAccount(ORG).build();
    }

    /** The single finding of the report other than the ones listed as expected background. */
    static Finding only(FingerprintReport r, FindingCode code) {
        List<Finding> f = r.findings(code);
        assertThat(f).as(r.describe()).hasSize(1);
        return f.get(0);
    }

    @Test
    void aPlausibleCanaryFromTheOrganisationIsClean() {
        String key = akia(ORG);
        FingerprintReport r = check.check(
                FingerprintTarget.ofKeyId(key).withPrincipal(Principal.iamUser(ORG, "/", "ci-deploy-7f3a9c"))
                        .withKind(CredentialKind.IAM_USER),
                FingerprintContext.builder().organisationAccount(ORG).neighbourKeyId(akia(ORG))
                        .neighbourArn("arn:aws:iam::" + ORG + ":user/build-runner").build());
        assertThat(r.findings()).as(r.describe()).isEmpty();
        assertThat(r.verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(r.keyId().accountId()).isEqualTo(ORG);
    }

    @Nested
    class KeyIdFindings {
        @Test
        void knownCanaryAccountIsHigh() {
            FingerprintReport r = check.check("AKIASP2TPHJSQH3FJRUX");
            Finding f = only(r, FindingCode.KNOWN_CANARY_ACCOUNT);
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.message()).contains("171436882533", "Thinkst", "trufflehog");
            assertThat(r.verdict()).isEqualTo(Verdict.FINGERPRINTED);
            assertThat(r.findings()).hasSize(1);
        }

        @Test
        void everyBundledAccountIsFlagged() {
            for (KnownCanaryAccount a : KnownCanaryAccounts.bundled().all()) {
                FingerprintReport r = check.check(akia(a.accountId()));
                assertThat(r.has(FindingCode.KNOWN_CANARY_ACCOUNT)).as(a.accountId()).isTrue();
                assertThat(r.verdict()).isEqualTo(Verdict.FINGERPRINTED);
            }
        }

        @Test
        void knownCanaryAccountAsALenientToolDecodesIt() {
            // generation bit 0: strict decodes nothing, a trufflehog-style tool decodes a listed account
            String strictNew = akia("171436882533");
            char[] c = strictNew.toCharArray();
            int v = KeyIds.ALPHABET.indexOf(c[4]) & 15; // clear the generation bit
            c[4] = KeyIds.ALPHABET.charAt(v);
            assertThat(v).isNotIn(8, 9); // not I/J, which lenient tools reject
            FingerprintReport r = check.check(new String(c));
            assertThat(r.keyId().account()).isEmpty();
            assertThat(r.keyId().lenientAccountId()).isEqualTo("171436882533");
            assertThat(only(r, FindingCode.KNOWN_CANARY_ACCOUNT).message()).contains("leniently", "171436882533");
            assertThat(r.verdict()).isEqualTo(Verdict.FINGERPRINTED);
        }

        @Test
        void invalidKeyIdIsMediumAndUndecodable() {
            FingerprintReport r = check.check("AKIASP2TPHJS");
            Finding f = only(r, FindingCode.INVALID_KEY_ID);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains("AKIASP2TPHJS", "too short");
            assertThat(r.has(FindingCode.ACCOUNT_UNDECODABLE)).isTrue();
            assertThat(r.verdict()).isEqualTo(Verdict.SUSPICIOUS);
        }

        @Test
        void oldFormatKeyIsLowAndUndecodableNotClean() {
            FingerprintReport r = check.check("AKIAIOSFODNN7EXAMPLE");
            Finding f = only(r, FindingCode.OLD_FORMAT_KEY);
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            Finding u = only(r, FindingCode.ACCOUNT_UNDECODABLE);
            assertThat(u.severity()).isEqualTo(Severity.LOW);
            assertThat(u.message()).contains("cannot be decoded", "not known to be clean");
            assertThat(r.verdict()).isEqualTo(Verdict.SUSPICIOUS);
        }

        @Test
        void everyUndecodableKeyIsReportedAsSuchNeverClean() {
            for (String k : List.of("AKIAIOSFODNN7EXAMPLE", "AIDACKCEVSQ6C2EXAMPLE", "AKIA77777777QAAAAAAA",
                    "AKIABZPUZDIKAUZZ7Q4X", "AKIASP2TPHJS", "", "AXYZY34FZKBOKMUTVV7A", "akiay34fzkbokmutvv7a")) {
                FingerprintReport r = check.check(k);
                assertThat(r.has(FindingCode.ACCOUNT_UNDECODABLE)).as(k).isTrue();
                assertThat(r.verdict()).as(k).isNotEqualTo(Verdict.CLEAN);
            }
            FingerprintReport nul = check.check((String) null);
            assertThat(nul.has(FindingCode.ACCOUNT_UNDECODABLE)).isTrue();
            assertThat(nul.has(FindingCode.INVALID_KEY_ID)).isTrue();
        }

        @Test
        void unknownPrefixIsLow() {
            FingerprintReport r = check.check("AXYZY34FZKBOKMUTVV7A");
            Finding f = only(r, FindingCode.UNKNOWN_PREFIX);
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.message()).contains("AXYZ", "AKIA", "ASIA");
        }

        @Test
        void aUniqueIdIsNotAnAccessKeyInfo() {
            FingerprintReport r = check.check(KeyIds.generate("AIDA", ORG, RANDOM));
            Finding f = only(r, FindingCode.NOT_AN_ACCESS_KEY);
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).contains("an IAM user", "AIDA");
            assertThat(r.verdict()).isEqualTo(Verdict.CLEAN);
        }

        @Test
        void lenientDecodeDifferingIsInfo() {
            FingerprintReport r = check.check("AKIABZPUZDIKAUZZ7Q4X");
            Finding f = only(r, FindingCode.LENIENT_DECODE);
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).contains("no account", r.keyId().lenientAccountId());
            assertThat(check.check(akia(ORG)).has(FindingCode.LENIENT_DECODE)).isFalse();
        }
    }

    @Nested
    class AccountFindings {
        @Test
        void accountNotInOrganisationIsMedium() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(akia(OTHER)), org());
            Finding f = only(r, FindingCode.ACCOUNT_NOT_IN_ORGANISATION);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains(OTHER);
            assertThat(r.findings()).hasSize(1);
            assertThat(r.verdict()).isEqualTo(Verdict.SUSPICIOUS);
            assertThat(check.check(FingerprintTarget.ofKeyId(akia(ORG)), org()).findings()).isEmpty();
            // without organisation accounts there is nothing to compare with
            assertThat(check.check(akia(OTHER)).findings()).isEmpty();
        }

        @Test
        void accountDiffersFromNeighboursIsMedium() {
            FingerprintContext ctx = FingerprintContext.builder().neighbourKeyId(akia(ORG)).neighbourKeyId(akia(ORG))
                    .neighbourArn("arn:aws:iam::" + ORG + ":user/build-runner").build();
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(akia(OTHER)), ctx);
            Finding f = only(r, FindingCode.ACCOUNT_DIFFERS_FROM_NEIGHBOURS);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains(OTHER, ORG);
            assertThat(r.findings()).hasSize(1);
            // one neighbour from the same account is enough
            FingerprintContext mixed = FingerprintContext.builder().neighbourKeyId(akia(ORG))
                    .neighbourKeyId(akia(OTHER)).build();
            assertThat(check.check(FingerprintTarget.ofKeyId(akia(OTHER)), mixed).findings()).isEmpty();
            // neighbours that decode to nothing say nothing
            FingerprintContext undecodable = FingerprintContext.builder().neighbourKeyId("AKIAIOSFODNN7EXAMPLE").build();
            assertThat(check.check(FingerprintTarget.ofKeyId(akia(OTHER)), undecodable).findings()).isEmpty();
        }

        @Test
        void principalAccountMismatchIsMedium() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(akia(OTHER))
                    .withPrincipalArn("arn:aws:iam::" + ORG + ":user/ci-deploy"), FingerprintContext.none());
            Finding f = only(r, FindingCode.PRINCIPAL_ACCOUNT_MISMATCH);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains(OTHER, ORG);
        }

        @Test
        void userListsAreCheckedToo() {
            FingerprintCheck own = FingerprintCheck.builder().clock(CLOCK).knownAccounts(KnownCanaryAccounts.builder()
                    .addBundled().add(OTHER, "our red team's canaries", "internal wiki").build()).build();
            Finding f = only(own.check(akia(OTHER)), FindingCode.KNOWN_CANARY_ACCOUNT);
            assertThat(f.message()).contains("our red team's canaries", "internal wiki");
            FingerprintCheck none = FingerprintCheck.builder().knownAccounts(KnownCanaryAccounts.none()).build();
            assertThat(none.check("AKIASP2TPHJSQH3FJRUX").findings()).isEmpty();
        }
    }

    @Nested
    class TermFindings {
        @Test
        void longTermAmongShortTermIsMedium() {
            FingerprintContext ctx = FingerprintContext.builder().neighbourKeyId(asia(ORG)).neighbourKeyId(asia(ORG))
                    .build();
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(akia(ORG)), ctx);
            Finding f = only(r, FindingCode.LONG_TERM_AMONG_SHORT_TERM);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains("long-term", "short-term");
            assertThat(r.findings()).hasSize(1);
            // stated explicitly instead of derived from prefixes
            FingerprintContext stated = FingerprintContext.builder().neighboursShortTerm(true).build();
            assertThat(check.check(FingerprintTarget.ofKeyId(akia(ORG)), stated).has(FindingCode.LONG_TERM_AMONG_SHORT_TERM))
                    .isTrue();
        }

        @Test
        void shortTermAmongLongTermIsMedium() {
            FingerprintContext ctx = FingerprintContext.builder().neighbourKeyId(akia(ORG)).build();
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(asia(ORG)), ctx);
            Finding f = only(r, FindingCode.SHORT_TERM_AMONG_LONG_TERM);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(r.findings()).hasSize(1);
            // mixed neighbours: nothing stands out
            FingerprintContext mixed = FingerprintContext.builder().neighbourKeyId(akia(ORG)).neighbourKeyId(asia(ORG))
                    .build();
            assertThat(check.check(FingerprintTarget.ofKeyId(asia(ORG)), mixed).findings()).isEmpty();
        }

        @Test
        void kindMismatchIsMedium() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(asia(ORG)).withKind(CredentialKind.IAM_USER),
                    FingerprintContext.none());
            Finding f = only(r, FindingCode.KIND_MISMATCH);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains("ASIA", "iam-user", "AKIA");
            assertThat(check.check(FingerprintTarget.ofKeyId(akia(ORG)).withKind(CredentialKind.ASSUMED_ROLE),
                    FingerprintContext.none()).has(FindingCode.KIND_MISMATCH)).isTrue();
            assertThat(check.check(FingerprintTarget.ofKeyId(asia(ORG)).withKind(CredentialKind.FEDERATION_TOKEN),
                    FingerprintContext.none()).findings()).isEmpty();
        }

        @Test
        void expiredIsLow() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(asia(ORG)).withExpiration(NOW.minusSeconds(1)),
                    FingerprintContext.none());
            Finding f = only(r, FindingCode.EXPIRED);
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.message()).contains(NOW.minusSeconds(1).toString());
            assertThat(check.check(FingerprintTarget.ofKeyId(asia(ORG)).withExpiration(NOW.plusSeconds(60)),
                    FingerprintContext.none()).findings()).isEmpty();
        }
    }

    @Nested
    class PrincipalFindings {
        FingerprintReport withName(String name, String path) {
            return check.check(FingerprintTarget.ofKeyId(akia(ORG)).withPrincipal(Principal.iamUser(ORG, path, name)),
                    org());
        }

        @Test
        void canaryWordInName() {
            FingerprintReport r = withName("ci-canary", "/");
            assertThat(only(r, FindingCode.CANARY_WORD_IN_NAME).severity()).isEqualTo(Severity.HIGH);
            assertThat(r.verdict()).isEqualTo(Verdict.FINGERPRINTED);
            assertThat(withName("qa-test-user", "/").verdict()).isEqualTo(Verdict.SUSPICIOUS);
            assertThat(withName("contest-admin", "/").findings()).isEmpty();
        }

        @Test
        void canaryWordInPath() {
            FingerprintReport r = withName("ci-deploy", "/honeytokens/");
            assertThat(only(r, FindingCode.CANARY_WORD_IN_PATH).severity()).isEqualTo(Severity.HIGH);
        }

        @Test
        void doubleAt() {
            FingerprintReport r = withName("ops@@deploy", "/");
            assertThat(only(r, FindingCode.DOUBLE_AT).severity()).isEqualTo(Severity.HIGH);
        }

        @Test
        void uuidName() {
            FingerprintReport r = withName("6f1c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", "/");
            assertThat(only(r, FindingCode.UUID_NAME).severity()).isEqualTo(Severity.HIGH);
        }

        @Test
        void canaryToolPath() {
            FingerprintReport r = withName("ci-deploy", "/SpaceCrab/");
            assertThat(only(r, FindingCode.CANARY_TOOL_PATH).severity()).isEqualTo(Severity.HIGH);
        }

        @Test
        void canaryToolPrefix() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId("AKIASP2TPHJSQH3FJRUX")
                    .withPrincipalArn("arn:aws:iam::171436882533:user/canarytokens.com@@4dxkh0pdeop3bzu9zx5wob793"),
                    FingerprintContext.none());
            assertThat(only(r, FindingCode.CANARY_TOOL_PREFIX).severity()).isEqualTo(Severity.HIGH);
            assertThat(r.has(FindingCode.KNOWN_CANARY_ACCOUNT)).isTrue();
            assertThat(r.has(FindingCode.DOUBLE_AT)).isTrue();
            assertThat(r.findings().get(0).severity()).isEqualTo(Severity.HIGH);
        }

        @Test
        void roleNameOfASessionIsChecked() {
            FingerprintReport r = check.check(FingerprintTarget.ofKeyId(asia(ORG))
                    .withPrincipal(Principal.assumedRole(ORG, "decoy-role", "ci-deploy")), org());
            assertThat(only(r, FindingCode.CANARY_WORD_IN_NAME).message()).contains("role name", "decoy");
        }

        @Test
        void randomLookingNameIsInfoAloneAndMediumAmongPlainNeighbours() {
            String name = "svc-mirux23ppyky6hx3l6vc";
            FingerprintReport alone = withName(name, "/");
            assertThat(only(alone, FindingCode.RANDOM_LOOKING_NAME).severity()).isEqualTo(Severity.INFO);
            assertThat(alone.verdict()).isEqualTo(Verdict.CLEAN);

            FingerprintContext plain = FingerprintContext.builder().organisationAccount(ORG)
                    .neighbourArn("arn:aws:iam::" + ORG + ":user/build-runner")
                    .neighbourArn("arn:aws:sts::" + ORG + ":assumed-role/deploy/jenkins").build();
            FingerprintReport among = check.check(FingerprintTarget.ofKeyId(akia(ORG))
                    .withPrincipal(Principal.iamUser(ORG, "/", name)), plain);
            Finding f = only(among, FindingCode.RANDOM_LOOKING_NAME);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.message()).contains(name, "build-runner");
            assertThat(among.verdict()).isEqualTo(Verdict.SUSPICIOUS);

            FingerprintContext randomNeighbours = FingerprintContext.builder()
                    .neighbourArn("arn:aws:iam::" + ORG + ":user/svc-0abc123def456789").build();
            assertThat(only(check.check(FingerprintTarget.ofKeyId(akia(ORG))
                    .withPrincipal(Principal.iamUser(ORG, "/", name)), randomNeighbours), FindingCode.RANDOM_LOOKING_NAME)
                    .severity()).isEqualTo(Severity.INFO);
        }
    }

    @Test
    void theIssuanceFlowCallsItWithACanaryCredential() {
        CanaryCredential c = new CanaryCredential(asia(ORG), Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                Secret.of("IQoJb3JpZ2luX2VjEXAMPLE"), NOW.plusSeconds(3600));
        FingerprintReport r = check.check(c, Principal.assumedRole(ORG, "build", "ci-deploy"),
                CredentialKind.ASSUMED_ROLE, org());
        assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.CLEAN);
        assertThat(r.toString()).doesNotContain("wJalr", "IQoJ");
        FingerprintReport bad = check.check(c, Principal.assumedRole(ORG, "build", "canary-1"),
                CredentialKind.IAM_USER, FingerprintContext.builder().organisationAccount(OTHER).build());
        assertThat(bad.findings()).extracting(Finding::code).containsExactly(FindingCode.CANARY_WORD_IN_NAME,
                FindingCode.ACCOUNT_NOT_IN_ORGANISATION, FindingCode.KIND_MISMATCH);
        assertThat(bad.findings()).isSortedAccordingTo((a, b) -> b.severity().compareTo(a.severity()));
    }

    @Test
    void longTermCredentialFromFactoryIsLongTerm() {
        CanaryCredential c = CanaryCredential.longTerm(akia(ORG), Secret.of("x".repeat(40)));
        FingerprintReport r = check.check(c, null, null, FingerprintContext.builder().neighboursShortTerm(true).build());
        assertThat(r.findings()).extracting(Finding::code).containsExactly(FindingCode.LONG_TERM_AMONG_SHORT_TERM);
    }

    @ParameterizedTest
    @EnumSource(FindingCode.class)
    void everyFindingCodeIsReachable(FindingCode code) {
        // a catalogue of inputs covering all codes; each code must come out of at least one of them
        Set<FindingCode> seen = EnumSet.noneOf(FindingCode.class);
        FingerprintContext neighbours = FingerprintContext.builder().organisationAccount(ORG)
                .neighbourKeyId(asia(ORG)).neighbourArn("arn:aws:iam::" + ORG + ":user/build-runner").build();
        List<FingerprintTarget> targets = List.of(
                FingerprintTarget.ofKeyId("AKIASP2TPHJSQH3FJRUX"),
                FingerprintTarget.ofKeyId("AKIASP2TPHJS"),
                FingerprintTarget.ofKeyId("AKIAIOSFODNN7EXAMPLE"),
                FingerprintTarget.ofKeyId("AXYZY34FZKBOKMUTVV7A"),
                FingerprintTarget.ofKeyId("AIDACKCEVSQ6C2EXAMPLE"),
                FingerprintTarget.ofKeyId(KeyIds.generate("AROA", ORG, RANDOM)),
                FingerprintTarget.ofKeyId(akia(OTHER)).withKind(CredentialKind.ASSUMED_ROLE)
                        .withPrincipalArn("arn:aws:iam::" + ORG + ":user/ggcanary/canarytokens.com@@mirux23ppyky6hx3l6vclmhnj"),
                FingerprintTarget.ofKeyId(asia(ORG)).withShortTerm(false).withExpiration(NOW.minusSeconds(5))
                        .withPrincipalName("6f1c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f", "/canary/"),
                FingerprintTarget.ofKeyId(asia(ORG)).withPrincipalName("svc-0abc123def456789", "/"),
                FingerprintTarget.ofKeyId(akia(ORG)).withShortTerm(true));
        FingerprintContext longTermNeighbours = FingerprintContext.builder().neighbourKeyId(akia(ORG)).build();
        for (FingerprintTarget t : targets) {
            for (FingerprintContext ctx : List.of(neighbours, longTermNeighbours)) {
                for (Finding f : check.check(t, ctx).findings()) {
                    seen.add(f.code());
                }
            }
        }
        assertThat(seen).contains(code);
    }
}
