package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Pieces of the emulator that need no HTTP. */
class EmulatorUnitTest {

    @Test
    void idsEncodeTheAccountInTheRealFormats() {
        Ids ids = new Ids(new Random(3));
        for (String account : List.of("000000000001", "052310077262", "123456789012", "999999999999")) {
            String ak = ids.accessKeyId("AKIA", account);
            String sk = ids.accessKeyId("ASIA", account);
            String user = ids.uniqueId("AIDA", account);
            assertThat(ak).hasSize(20).startsWith("AKIA").matches("[A-Z2-7]+");
            assertThat(sk).hasSize(20).startsWith("ASIA");
            assertThat(user).hasSize(21).startsWith("AIDA");
            for (String id : List.of(ak, sk, user)) {
                assertThat(Policies.decodeAccount(id)).isEqualTo(account);
                assertThat(io.canarykit.fingerprint.KeyIds.account(id)).isEqualTo(account);
            }
        }
        assertThat(ids.secretAccessKey()).hasSize(40).matches("[A-Za-z0-9+/]{40}");
        assertThat(ids.sessionToken()).startsWith("IQoJb3JpZ2luX2Vj").hasSizeGreaterThan(300);
        assertThat(ids.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void queryParametersBecomeLowerCamelRequestParameters() {
        AwsRequest r = new AwsRequest("POST", "/", Map.of(), new byte[0], "127.0.0.1");
        r.protocol = Protocol.QUERY;
        r.service = "iam";
        r.operation = "CreateUser";
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "CreateUser");
        form.put("Version", "2010-05-08");
        form.put("UserName", "u");
        form.put("Tags.member.1.Key", "k1");
        form.put("Tags.member.1.Value", "v1");
        form.put("Tags.member.2.Key", "k2");
        form.put("Tags.member.2.Value", "v2");
        form.put("Password", "hunter2-secret");
        r.form = form;
        JsonNode p = Engine.requestParameters(r);
        assertThat(p.toString()).isEqualTo("{\"userName\":\"u\",\"tags\":[{\"key\":\"k1\",\"value\":\"v1\"},"
                + "{\"key\":\"k2\",\"value\":\"v2\"}],\"password\":\"HIDDEN_DUE_TO_SECURITY_REASONS\"}");
    }

    @Test
    void formBodiesAndQueriesDecode() {
        assertThat(AwsRequest.parseForm("a=b+c&d=%2F%3A&e=")).containsExactly(
                Map.entry("a", "b c"), Map.entry("d", "/:"), Map.entry("e", ""));
        assertThat(AwsRequest.parsePairs("x=1+2&y=%E2%9C%93")).containsExactly(Map.entry("x", "1+2"), Map.entry("y", "✓"));
        assertThat(SigV4.encode("a b/c~", false)).isEqualTo("a%20b%2Fc~");
        assertThat(SigV4.encode("a b/c~", true)).isEqualTo("a%20b/c~");
        assertThat(Xml.escape("<a href=\"x\">&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    }

    @Test
    void globsMatchLikeFaultPatterns() {
        assertThat(Glob.matches("iam:*", "iam:CreateUser", true)).isTrue();
        assertThat(Glob.matches("IAM:create*", "iam:CreateUser", true)).isTrue();
        assertThat(Glob.matches("iam:Create?ser", "iam:CreateUser", false)).isTrue();
        assertThat(Glob.matches("sts:*", "iam:CreateUser", true)).isFalse();
        assertThat(Glob.matches("*:*", "s3:GetObject", true)).isTrue();
    }

    @Test
    void rateLimitedRulesCountAWindowOfOneSecondPerAccountAndRegion() {
        FaultRule rule = FaultRule.on("cloudtrail:LookupEvents").rateLimit(2).then(FaultAction.throttle());
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "1", "k", "us-east-1", t)).isFalse();
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "1", "k", "us-east-1", t.plusMillis(10))).isFalse();
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "1", "k", "us-east-1", t.plusMillis(20))).isTrue();
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "1", "k", "eu-west-1", t.plusMillis(20))).isFalse();
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "2", "k", "us-east-1", t.plusMillis(20))).isFalse();
        assertThat(rule.evaluate("cloudtrail:LookupEvents", "1", "k", "us-east-1", t.plus(Duration.ofMillis(1001)))).isFalse();
        assertThat(rule.evaluate("iam:ListUsers", "1", "k", "us-east-1", t)).isFalse();
        assertThat(rule.matchedCalls()).isEqualTo(6);
        assertThat(rule.firedCount()).isEqualTo(1);
    }

    @Test
    void logFilesAreGzipAndHideNothingButTheirContent() {
        byte[] gz = Trail.gzip("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8));
        LogFile f = new LogFile("b", "AWSLogs/x.json.gz", Instant.EPOCH, 0, gz);
        assertThat(f.json()).isEqualTo("{\"Records\":[]}");
        assertThat(f.toString()).contains("AWSLogs/x.json.gz").contains("0 records");
    }

    @Test
    void credentialsNeverPrintTheirSecrets() {
        EmulatedCredentials c = EmulatedCredentials.of("ASIAEXAMPLEEXAMPLE01", "s".repeat(40), "token-value", Instant.EPOCH);
        assertThat(c.toString()).contains("ASIAEXAMPLEEXAMPLE01").doesNotContain("ssss").doesNotContain("token-value");
        assertThat(c.withWrongSecret().secretAccessKey()).isNotEqualTo(c.secretAccessKey());
        assertThat(c.withWrongSecret().accessKeyId()).isEqualTo(c.accessKeyId());
    }
}
