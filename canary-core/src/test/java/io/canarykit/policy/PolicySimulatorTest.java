package io.canarykit.policy;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's API and explanations; the evaluation logic itself is in {@link SimulatorCasesTest}. */
class PolicySimulatorTest {
    private static final String USER = "arn:aws:iam::111122223333:user/alice";

    @Test
    void decisionJsonHasExactlyTheCommandLineFields() {
        Decision d = PolicySimulator.create().evaluate(
                Policies.builder().identityPolicy("p", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"No\","
                        + "\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}").build(),
                AccessRequest.of(USER, "s3:GetObject", "arn:aws:s3:::b/k"));
        assertThat(d.toJson()).isEqualTo("{\"decision\":\"DENY\",\"implicit\":false,\"reason\":\"explicitly denied by "
                + "statement \\\"No\\\" of the identity-based policy \\\"p\\\"\",\"decidingPolicy\":\"p\","
                + "\"decidingStatement\":\"No\"}");
        Decision none = PolicySimulator.create().evaluate(Policies.none(), AccessRequest.of(USER, "s3:GetObject", "*"));
        assertThat(none.toJson()).isEqualTo("{\"decision\":\"DENY\",\"implicit\":true,\"reason\":\"implicitly denied: no "
                + "identity-based policy allows s3:GetObject on * (there is none)\",\"decidingPolicy\":null,"
                + "\"decidingStatement\":null}");
    }

    @Test
    void explanationsQuoteTheStatementAndCarryNotes() {
        Policies p = Policies.builder().identityPolicy("p", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
                 "Condition":{"StringEqualsIgnoringCase":{"aws:PrincipalTag/team":"a"}}},
                 {"Sid":"Any","Effect":"Allow","Action":"s3:List*","Resource":"*"}]}""").build();
        Decision d = PolicySimulator.create().evaluate(p, AccessRequest.of(USER, "s3:ListBucket", "arn:aws:s3:::b"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.statement().index()).isEqualTo(1);
        assertThat(d.statement().json()).isEqualTo("{\"Sid\":\"Any\",\"Effect\":\"Allow\",\"Action\":\"s3:List*\","
                + "\"Resource\":\"*\"}");
        assertThat(d.notes()).singleElement().asString().contains("unknown condition operator \"StringEqualsIgnoringCase\"")
                .contains("Statement[0] of the identity-based policy \"p\"");
        assertThat(d.explain()).startsWith("ALLOW: allowed by statement \"Any\" of the identity-based policy \"p\"")
                .contains("deciding statement: {\"Sid\":\"Any\"").contains("note: unknown condition operator");
        Decision unresolved = PolicySimulator.create().evaluate(Policies.builder().identityPolicy("q", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
                 "Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}]}""").build(),
                AccessRequest.of(USER, "s3:GetObject", "arn:aws:s3:::b/x/y"));
        assertThat(unresolved.notes()).singleElement().asString().contains("${aws:PrincipalTag/team}");
    }

    @Test
    void currentTimeComesFromTheClock() {
        Policies p = Policies.builder().identityPolicy("until-2027", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
                 "Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}]}""").build();
        AccessRequest r = AccessRequest.of(USER, "s3:GetObject", "*");
        assertThat(PolicySimulator.create(Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC))
                .evaluate(p, r).allowed()).isTrue();
        assertThat(PolicySimulator.create(Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC))
                .evaluate(p, r).allowed()).isFalse();
    }

    @Test
    void jsonStringConvenience() {
        Decision d = PolicySimulator.create().evaluate(
                List.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"),
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
                null, List.of(), AccessRequest.of(USER, "ec2:RunInstances", "*"));
        assertThat(d.implicit()).isTrue();
        assertThat(d.decidingPolicy()).isEqualTo("boundary");
        assertThat(d.policyType()).isEqualTo(PolicyType.PERMISSIONS_BOUNDARY);
    }

    @Test
    void requestsDeriveAccountsAndValidate() {
        AccessRequest r = AccessRequest.of(USER, "sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q");
        assertThat(r.principalAccount()).isEqualTo("111122223333");
        assertThat(r.resourceAccount()).isEqualTo("444455556666");
        assertThat(AccessRequest.of(USER, "s3:GetObject", "arn:aws:s3:::b/k").resourceAccount()).isEqualTo("111122223333");
        AccessRequest withContext = AccessRequest.builder().principalArn(USER).action("s3:GetObject")
                .context("AWS:SourceIp", "10.0.0.1").build();
        assertThat(withContext.contextValues("aws:sourceip")).containsExactly("10.0.0.1");
        assertThat(withContext.resource()).isEqualTo("*");
        assertThat(withContext.toBuilder().build()).isEqualTo(withContext);
        assertThatThrownBy(() -> AccessRequest.of(USER, "GetObject", "*")).hasMessageContaining("service:Action");
        assertThat(PolicySimulator.isUndeniable("STS:GetCallerIdentity")).isTrue();
        assertThat(PolicySimulator.isUndeniable("sts:GetSessionToken")).isFalse();
        assertThat(new AccessRequest(USER, null, "s3:GetObject", "*", null, Map.of("k", List.of("a", "b")))
                .contextValues("K")).containsExactly("a", "b");
    }

    @Test
    void wildcards() {
        assertThat(Wildcards.matchAction("s3:*", "S3:GETOBJECT")).isTrue();
        assertThat(Wildcards.matchAction("*", "anything:At-all")).isTrue();
        assertThat(Wildcards.matchAction("s3:Get?bject", "s3:GetObject")).isTrue();
        assertThat(Wildcards.matchString("a*", "A")).isFalse();
        assertThat(Wildcards.matchArn("arn:aws:sqs:us-*-1:*:q", "arn:aws:sqs:us-east-1:111122223333:q")).isTrue();
        // a * inside a segment stays in it; one that ends a segment may run on
        assertThat(Wildcards.matchArn("arn:aws:sqs:us*1:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q")).isTrue();
        assertThat(Wildcards.matchArn("arn:aws:dynamodb:*:*:table/a*z", "arn:aws:dynamodb:r:1:table/a:z")).isFalse();
        assertThat(Wildcards.matchArn("arn:aws:s3:::*", "arn:aws:s3:::b/a:b")).isTrue();
        assertThat(Wildcards.matchArn("arn:aws:s3:::b?", "arn:aws:s3:::b:")).isFalse();
        assertThat(Wildcards.matchArnComponents("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/a/b")).isTrue();
        assertThat(Wildcards.matchArnComponents("arn:aws:iam::*", "arn:aws:iam::111122223333:role/a")).isFalse();
        assertThat(Wildcards.match("", "", false, false)).isTrue();
        assertThat(Wildcards.match("*", "", false, false)).isTrue();
        assertThat(Wildcards.match("?", "", false, false)).isFalse();
    }

    @Test
    void conditionValueParsing() {
        assertThat(Conditions.ipInRange("10.1.2.3", "10.0.0.0/8")).isTrue();
        assertThat(Conditions.ipInRange("10.1.2.3", "10.0.0.0/33")).isNull();
        assertThat(Conditions.ipInRange("10.1.2.3", "2001:db8::/32")).isFalse();
        assertThat(Conditions.ipInRange("2001:db8::1", "2001:DB8::/32")).isTrue();
        assertThat(Conditions.ipInRange("example.com", "10.0.0.0/8")).isNull();
        assertThat(Conditions.ipInRange("300.1.1.1", "10.0.0.0/8")).isNull();
        assertThat(Conditions.date("2020-01-01")).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(Conditions.date("2020-01-01T10:00:00+02:00")).isEqualTo(Instant.parse("2020-01-01T08:00:00Z"));
        assertThat(Conditions.date("1577836800")).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(Conditions.date("soon")).isNull();
        assertThat(Conditions.number("1e3")).isEqualByComparingTo("1000");
        assertThat(Conditions.isKnownOperator("ForAllValues:StringLikeIfExists")).isTrue();
        assertThat(Conditions.isKnownOperator("NullIfExists")).isFalse();
        assertThat(Conditions.isKnownOperator("StringEqualz")).isFalse();
    }

    @Test
    void policiesHelpers() {
        NamedPolicy id = NamedPolicy.parse("id", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"*\",\"Resource\":\"*\"}]}");
        Policies p = Policies.builder().identityPolicy(id).serviceControlLevel(List.of()).build();
        assertThat(p.serviceControlLevels()).isEmpty();
        assertThat(p.all()).extracting(Policies.TypedPolicy::type).containsExactly(PolicyType.IDENTITY);
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(PolicySimulator.summary(p)).isEqualTo("1 identity");
        assertThatThrownBy(() -> NamedPolicy.of(" ", id.document())).isInstanceOf(IllegalArgumentException.class);
    }
}
