package io.canarykit.fingerprint;

import io.canarykit.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TellTalesTest {

    private static List<FindingCode> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ci-deploy", "svc-backup-7f3a9c", "build-runner", "deploy.bot", "jenkins", "a",
            "contest-admin", "attestation-svc", "latest-release", "bootstrap-node", "strapi", "protest", "detester",
            "testament", "fastest-lane", "trapeze", "Contest", "ATTESTATION", "LatestBuild", "baitul", "ci-deploy-7f3a9c1",
            "release20240115", "terraform-runner", "github-actions", "data-pipeline-etl", "backup@example.com",
            "svc_analytics-01", "prod.sync+eu=1,2"})
    void plausibleNamesHaveNoFindings(String name) {
        assertThat(TellTales.principalFindings(name, "/")).as(name).isEmpty();
        assertThat(TellTales.principalFindings(name, null)).as(name).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary", "ci-canary-01", "CanaryUser", "CANARY", "canaries", "honeytoken", "honeypot-svc",
            "my-honey", "decoy-admin", "DecoyUser", "tripwire", "trip-wire", "Trip_Wire", "canarytokens-x"})
    void strongWordsAreHighAnywhere(String name) {
        List<Finding> f = TellTales.principalFindings(name, "/");
        assertThat(f).as(name).anySatisfy(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.CANARY_WORD_IN_NAME);
            assertThat(x.severity()).isEqualTo(Severity.HIGH);
            assertThat(x.message()).contains(name);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"test", "test-user", "testuser", "TestUser", "TESTUSER", "ci-test", "user_test", "test1",
            "tests", "testing-svc", "unittest", "APITest", "my.test", "qa-tester", "TestingBot"})
    void testAsAWordIsLow(String name) {
        List<Finding> f = TellTales.principalFindings(name, "/");
        assertThat(f).as(name).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.CANARY_WORD_IN_NAME);
            assertThat(x.severity()).isEqualTo(Severity.LOW);
            assertThat(x.message()).contains("'test'");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"trap", "trap-user", "boobytrap", "TrapKey", "bait", "baited-svc", "fake", "fake-admin",
            "FakeUser", "fakekey", "ci_fakes"})
    void trapBaitFakeAsAWordAreMedium(String name) {
        List<Finding> f = TellTales.principalFindings(name, "/");
        assertThat(f).as(name).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.CANARY_WORD_IN_NAME);
            assertThat(x.severity()).isEqualTo(Severity.MEDIUM);
        });
    }

    @Test
    void wordBoundariesAreCamelCaseAndNonLetters() {
        assertThat(TellTales.tokens("testUser")).containsExactly("test", "user");
        assertThat(TellTales.tokens("APITest")).containsExactly("api", "test");
        assertThat(TellTales.tokens("ci-test_2.x")).containsExactly("ci", "test", "x");
        assertThat(TellTales.tokens("e2etest")).containsExactly("e", "etest");
        assertThat(TellTales.tokens("")).isEmpty();
    }

    @Test
    void doubleAtIsHighAndTheThinkstPrefixIsATool() {
        List<Finding> f = TellTales.principalFindings("canarytokens.com@@mirux23ppyky6hx3l6vclmhnj", "/");
        assertThat(codes(f)).contains(FindingCode.DOUBLE_AT, FindingCode.CANARY_TOOL_PREFIX,
                FindingCode.CANARY_WORD_IN_NAME);
        assertThat(f).filteredOn(x -> x.code() != FindingCode.RANDOM_LOOKING_NAME)
                .allSatisfy(x -> assertThat(x.severity()).isEqualTo(Severity.HIGH));

        assertThat(codes(TellTales.principalFindings("ops@@deploy", "/"))).containsExactly(FindingCode.DOUBLE_AT);
        // the canarytokens layout on another domain
        assertThat(codes(TellTales.principalFindings("example.org@@4dxkh0pdeop3bzu9zx5wob793", "/")))
                .contains(FindingCode.CANARY_TOOL_PREFIX, FindingCode.DOUBLE_AT);
        // a single @ is an ordinary e-mail-like name
        assertThat(TellTales.principalFindings("ops@example.com", "/")).isEmpty();
    }

    @Test
    void uuidNamesAreHigh() {
        List<Finding> f = TellTales.principalFindings("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "/");
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.UUID_NAME);
            assertThat(x.severity()).isEqualTo(Severity.HIGH);
            assertThat(x.message()).contains("SpaceSiren");
        });
        assertThat(codes(TellTales.principalFindings("svc-3F2504E0-4F89-11D3-9A0C-0305E82C3301", "/")))
                .containsExactly(FindingCode.UUID_NAME);
    }

    @Test
    void knownToolPathsAreHigh() {
        assertThat(TellTales.principalFindings("ci-deploy", "/SpaceCrab/")).singleElement()
                .satisfies(x -> {
                    assertThat(x.code()).isEqualTo(FindingCode.CANARY_TOOL_PATH);
                    assertThat(x.severity()).isEqualTo(Severity.HIGH);
                });
        assertThat(codes(TellTales.principalFindings("ci-deploy", "/ggcanary/")))
                .contains(FindingCode.CANARY_TOOL_PATH, FindingCode.CANARY_WORD_IN_PATH);
        assertThat(codes(TellTales.principalFindings("ci-deploy", "/teams/spacecrab/")))
                .contains(FindingCode.CANARY_TOOL_PATH);
    }

    @Test
    void wordsInThePathAreFound() {
        assertThat(TellTales.principalFindings("ci-deploy", "/canary/")).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.CANARY_WORD_IN_PATH);
            assertThat(x.severity()).isEqualTo(Severity.HIGH);
            assertThat(x.message()).contains("/canary/");
        });
        assertThat(codes(TellTales.principalFindings("ci-deploy", "/test/"))).containsExactly(FindingCode.CANARY_WORD_IN_PATH);
        assertThat(TellTales.principalFindings("ci-deploy", "/latest/contest/")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mirux23ppyky6hx3l6vclmhnj", "svc-0abc123def456789", "deadbeefcafebabe1234", "user-xkcdqwrtzplm",
            "a1b2c3d4e5f6"})
    void randomLookingNamesAreInfoOnTheirOwn(String name) {
        assertThat(TellTales.isRandomLooking(name)).as(name).isTrue();
        assertThat(TellTales.principalFindings(name, "/")).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.RANDOM_LOOKING_NAME);
            assertThat(x.severity()).isEqualTo(Severity.INFO);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ci-deploy-7f3a9c", "release20240115", "productionbackup", "a1b2c3d4e5", "svc-7f3a9c2b1e",
            "deadbeefcafe"})
    void shortTokensAndWordsAreNotRandom(String name) {
        assertThat(TellTales.isRandomLooking(name)).as(name).isFalse();
    }

    @Test
    void principalsAndArnsAreScannedWithTheirRoleName() {
        Principal session = Principal.assumedRole("609629065308", "honeypot-role", "ci-deploy");
        assertThat(TellTales.principalFindings(session)).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo(FindingCode.CANARY_WORD_IN_NAME);
            assertThat(x.message()).contains("role name");
        });
        assertThat(TellTales.principalFindings(Principal.iamUser("609629065308", "/SpaceCrab/", "bob")))
                .extracting(Finding::code).containsExactly(FindingCode.CANARY_TOOL_PATH);
        assertThat(codes(TellTales.arnFindings("arn:aws:iam::171436882533:user/canarytokens.com@@4dxkh0pdeop3bzu9zx5wob793")))
                .contains(FindingCode.DOUBLE_AT, FindingCode.CANARY_TOOL_PREFIX);
        assertThat(codes(TellTales.arnFindings("arn:aws:iam::609629065308:user/ggcanary/acme_key1")))
                .contains(FindingCode.CANARY_TOOL_PATH);
        assertThat(codes(TellTales.arnFindings("arn:aws:sts::609629065308:federated-user/decoy")))
                .containsExactly(FindingCode.CANARY_WORD_IN_NAME);
        assertThat(TellTales.arnFindings("arn:aws:iam::609629065308:root")).isEmpty();
        assertThat(TellTales.arnFindings("not an arn")).isEmpty();
        assertThat(TellTales.arnFindings(null)).isEmpty();
    }

    @Test
    void nullAndEmptyAreSkipped() {
        assertThat(TellTales.principalFindings(null, null)).isEmpty();
        assertThat(TellTales.principalFindings("", "")).isEmpty();
        assertThat(TellTales.isRandomLooking(null)).isFalse();
    }
}
