package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.fingerprint.KeyIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENAQoDYXdzEPT//////////wEXAMPLEtc764bNrC9";
    private static final String ORG = "609629065308";

    record Result(int code, String out, String err) {
        List<JsonNode> json() throws IOException {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\\R")) {
                if (!line.isBlank()) {
                    nodes.add(MAPPER.readTree(line));
                }
            }
            return nodes;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonIsOneObjectPerKeyPerLineWithTheIssuesFields() throws IOException {
        Result r = run("fingerprint", "--json", "AKIASP2TPHJSQH3FJRUX", "ASIAY34FZKBOKMUTVV7A", "AKIAIOSFODNN7EXAMPLE",
                "AKIASP2TPHJS");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<JsonNode> nodes = r.json();
        assertThat(nodes).hasSize(4);
        for (JsonNode n : nodes) {
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("keyId", "prefix", "keyType", "format", "accountId",
                    "lenientAccountId", "findings", "verdict");
            assertThat(n.get("format").asText()).isIn("new", "old", "invalid");
            assertThat(n.get("verdict").asText()).isIn("clean", "suspicious", "fingerprinted");
            for (JsonNode f : n.get("findings")) {
                assertThat(f.get("code").asText()).isNotBlank();
                assertThat(f.get("severity").asText()).isIn("info", "low", "medium", "high");
                assertThat(f.get("message").asText()).isNotBlank();
            }
        }
        JsonNode thinkst = nodes.get(0);
        assertThat(thinkst.get("keyId").asText()).isEqualTo("AKIASP2TPHJSQH3FJRUX");
        assertThat(thinkst.get("prefix").asText()).isEqualTo("AKIA");
        assertThat(thinkst.get("keyType").asText()).isEqualTo("access-key");
        assertThat(thinkst.get("accountId").asText()).isEqualTo("171436882533");
        assertThat(thinkst.get("verdict").asText()).isEqualTo("fingerprinted");
        assertThat(thinkst.get("findings").get(0).get("code").asText()).isEqualTo("known-canary-account");

        JsonNode session = nodes.get(1);
        assertThat(session.get("keyType").asText()).isEqualTo("temporary-access-key");
        assertThat(session.get("accountId").asText()).isEqualTo(ORG);
        assertThat(session.get("verdict").asText()).isEqualTo("clean");
        assertThat(session.get("findings")).isEmpty();

        JsonNode old = nodes.get(2);
        assertThat(old.get("format").asText()).isEqualTo("old");
        assertThat(old.get("accountId").isNull()).isTrue();
        assertThat(old.get("lenientAccountId").isNull()).isTrue();
        assertThat(old.get("verdict").asText()).isEqualTo("suspicious");

        assertThat(nodes.get(3).get("format").asText()).isEqualTo("invalid");
    }

    @Test
    void orgAccountsFileFlagsOtherAccounts(@TempDir Path dir) throws IOException {
        Path org = dir.resolve("accounts.txt");
        Files.writeString(org, "# ours\n" + ORG + "\n");
        String other = KeyIds.generate("AKIA", "123456789012", new SplittableRandom(1));
        Result r = run("fingerprint", "--json", "--org-accounts", org.toString(), "ASIAY34FZKBOKMUTVV7A", other);
        assertThat(r.code()).isZero();
        List<JsonNode> nodes = r.json();
        assertThat(nodes.get(0).get("verdict").asText()).isEqualTo("clean");
        assertThat(nodes.get(1).get("verdict").asText()).isEqualTo("suspicious");
        assertThat(nodes.get(1).get("findings").get(0).get("code").asText()).isEqualTo("account-not-in-organisation");
    }

    @Test
    void aHugeCredentialsFileIsRefusedWithoutReadingIt(@TempDir Path dir) throws IOException {
        Path huge = dir.resolve("credentials");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(131L * 1024 * 1024); // sparse: the 131 MB file of issue 15 that took 5.8 GB of memory
        }
        Result r = run("fingerprint", "--credentials-file", huge.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("137363456 bytes", "not a credentials file");
    }

    @Test
    void credentialsFileChecksEveryProfileWithoutPrintingSecrets(@TempDir Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        String a = KeyIds.generate("ASIA", ORG, random);
        String b = KeyIds.generate("ASIA", ORG, random);
        String longTerm = KeyIds.generate("AKIA", ORG, random);
        Path creds = dir.resolve("credentials");
        Files.writeString(creds, """
                [default]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                aws_session_token = %s

                [ci-deploy]            ; comment on a section line
                aws_access_key_id=%s
                aws_secret_access_key=%s
                aws_session_token=%s   # comment after a space

                [legacy]
                aws_access_key_id = %s
                aws_secret_access_key = %s

                [role-only]
                role_arn = arn:aws:iam::%s:role/deploy
                source_profile = default
                """.formatted(a, SECRET, TOKEN, b, SECRET, TOKEN, longTerm, SECRET, ORG));
        for (String[] args : List.of(new String[] {"fingerprint", "--json", "--credentials-file", creds.toString()},
                new String[] {"fingerprint", "--credentials-file", creds.toString()})) {
            Result r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain("wJalr").doesNotContain("IQoJ");
            assertThat(r.err()).contains("role-only", "skipped");
        }
        List<JsonNode> nodes = run("fingerprint", "--json", "--credentials-file", creds.toString()).json();
        assertThat(nodes).extracting(n -> n.get("profile").asText())
                .containsExactly("default", "ci-deploy", "legacy");
        // the session credentials have mixed neighbours (one long-term key): nothing stands out
        assertThat(nodes.get(0).get("verdict").asText()).isEqualTo("clean");
        assertThat(nodes.get(1).get("keyId").asText()).isEqualTo(b);
        // the long-term key among session credentials
        assertThat(codes(nodes.get(2))).containsExactly("long-term-among-short-term");

        // a Thinkst key next to the organisation's session credentials
        Path mixed = dir.resolve("mixed");
        Files.writeString(mixed, "[default]\naws_access_key_id=%s\naws_session_token=%s\n[found]\naws_access_key_id=%s\n"
                .formatted(a, TOKEN, "AKIASP2TPHJSQH3FJRUX"));
        JsonNode thinkst = run("fingerprint", "--json", "--credentials-file", mixed.toString()).json().get(1);
        assertThat(thinkst.get("profile").asText()).isEqualTo("found");
        assertThat(codes(thinkst)).containsExactly("known-canary-account", "account-differs-from-neighbours",
                "long-term-among-short-term");
        assertThat(thinkst.get("verdict").asText()).isEqualTo("fingerprinted");
    }

    @Test
    void keysAndACredentialsFileCanBeCombined(@TempDir Path dir) throws IOException {
        Path creds = dir.resolve("credentials");
        Files.writeString(creds, "[default]\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\n");
        Result r = run("fingerprint", "--json", "--credentials-file", creds.toString(), "AKIASP2TPHJSQH3FJRUX");
        assertThat(r.code()).isZero();
        assertThat(r.json()).hasSize(2);
    }

    @Test
    void humanOutputShowsVerdictAndFindings() {
        Result r = run("fingerprint", "AKIASP2TPHJSQH3FJRUX", "AKIABZPUZDIKAUZZ7Q4X");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("AKIASP2TPHJSQH3FJRUX", "account 171436882533", "FINGERPRINTED",
                "known-canary-account", "high");
        assertThat(r.out()).contains("AKIABZPUZDIKAUZZ7Q4X", "account unknown", "attacker tools decode",
                "account-undecodable", "SUSPICIOUS");
    }

    @Test
    void neighboursAndKnownAccountsOptions(@TempDir Path dir) throws IOException {
        Path known = dir.resolve("known.txt");
        Files.writeString(known, "123456789012 our lab canaries\n");
        String lab = KeyIds.generate("AKIA", "123456789012", new SplittableRandom(2));
        Result r = run("fingerprint", "--json", "--known-accounts", known.toString(),
                "--neighbour", "arn:aws:iam::" + ORG + ":user/build-runner", lab);
        assertThat(r.code()).isZero();
        JsonNode n = r.json().get(0);
        assertThat(codes(n)).containsExactly("known-canary-account", "account-differs-from-neighbours");
        assertThat(n.get("findings").get(0).get("message").asText()).contains("our lab canaries");
    }

    @Test
    void aSecretPassedByMistakeIsNotEchoed() {
        Result r = run("fingerprint", "--json", SECRET);
        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("wJalr").contains("hidden input of 40 characters");
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path dir) throws IOException {
        Result none = run("fingerprint");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give one or more key ids").doesNotContain("\tat ");

        Result missing = run("fingerprint", "--credentials-file", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");

        Path badOrg = dir.resolve("org.txt");
        Files.writeString(badOrg, "60962906530\n");
        Result org = run("fingerprint", "--org-accounts", badOrg.toString(), "ASIAY34FZKBOKMUTVV7A");
        assertThat(org.code()).isEqualTo(2);
        assertThat(org.err()).contains("--org-accounts", "org.txt:1", "12 digits");
        assertThat(org.out()).isEmpty();

        Path badCreds = dir.resolve("credentials");
        Files.writeString(badCreds, "[default]\n" + SECRET + "\n");
        Result creds = run("fingerprint", "--credentials-file", badCreds.toString());
        assertThat(creds.code()).isEqualTo(2);
        assertThat(creds.err()).contains("credentials:2").doesNotContain("wJalr");

        Result unknown = run("fingerprint", "--no-such-option", "AKIASP2TPHJSQH3FJRUX");
        assertThat(unknown.code()).isEqualTo(2);
    }

    @Test
    void helpDescribesTheContract() {
        Result r = run("fingerprint", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--json", "--org-accounts", "--credentials-file", "KEY_ID");
    }

    private static List<String> codes(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.get("findings").forEach(f -> out.add(f.get("code").asText()));
        return out;
    }
}
