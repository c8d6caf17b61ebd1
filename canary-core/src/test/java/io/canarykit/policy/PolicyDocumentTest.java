package io.canarykit.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyDocumentTest {

    @Test
    void parsesEveryElementAndWritesItBackCanonically() {
        String json = """
                {
                  "Version": "2012-10-17",
                  "Id": "bucket-policy",
                  "Statement": [
                    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"],
                      "Service": "cloudtrail.amazonaws.com"},
                     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*",
                     "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}, "NumericLessThan": {"s3:max-keys": 10},
                                   "Bool": {"aws:SecureTransport": true}}},
                    {"Effect": "Deny", "NotPrincipal": "*", "NotAction": "s3:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}
                  ]
                }""";
        PolicyDocument doc = PolicyDocument.parse(json);
        assertThat(doc.version()).isEqualTo("2012-10-17");
        assertThat(doc.id()).isEqualTo("bucket-policy");
        Statement a = doc.statements().get(0);
        assertThat(a.sid()).isEqualTo("A");
        assertThat(a.effect()).isEqualTo(Effect.ALLOW);
        assertThat(a.actions()).containsExactly("s3:GetObject", "s3:PutObject");
        assertThat(a.resources()).containsExactly("arn:aws:s3:::b/*");
        assertThat(a.principal().values("AWS")).containsExactly("arn:aws:iam::111122223333:root", "444455556666");
        assertThat(a.principal().values("Service")).containsExactly("cloudtrail.amazonaws.com");
        assertThat(a.conditions()).containsExactly(
                PolicyCondition.of("StringEquals", "aws:PrincipalTag/team", "a", "b"),
                PolicyCondition.of("NumericLessThan", "s3:max-keys", "10"),
                PolicyCondition.of("Bool", "aws:SecureTransport", "true"));
        Statement b = doc.statements().get(1);
        assertThat(b.sid()).isNull();
        assertThat(b.notPrincipal().wildcard()).isTrue();
        assertThat(b.notActions()).containsExactly("s3:*");
        assertThat(b.actions()).isNull();
        assertThat(b.notResources()).hasSize(2);

        String written = doc.toJson();
        assertThat(PolicyDocument.parse(written)).isEqualTo(doc);
        assertThat(written).startsWith("{\"Version\":\"2012-10-17\",\"Id\":\"bucket-policy\",\"Statement\":[{\"Sid\":\"A\","
                + "\"Effect\":\"Allow\",\"Principal\":{");
        assertThat(PolicyDocument.parse(doc.toPrettyJson())).isEqualTo(doc);
        assertThat(doc.toPrettyJson()).contains("\n");
    }

    @Test
    void aSingleStatementObjectAndStringValuesAreAccepted() {
        PolicyDocument doc = PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}""");
        assertThat(doc.statements()).hasSize(1);
        assertThat(doc.statements().get(0).actions()).containsExactly("*");
        assertThat(doc.toJson()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\","
                + "\"Resource\":\"*\"}]}");
    }

    @Test
    void aMissingVersionMeansTheOldLanguageWithoutVariables() {
        PolicyDocument doc = PolicyDocument.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}");
        assertThat(doc.version()).isEqualTo(PolicyDocument.VERSION_2008);
        assertThat(doc.supportsVariables()).isFalse();
    }

    @Test
    void sizeCountsNonWhitespaceCharacters() {
        String pretty = DenyAllPolicyHardener.denyAllDocument().toPrettyJson();
        assertThat(PolicyDocument.nonWhitespaceLength(pretty))
                .isEqualTo(DenyAllPolicyHardener.denyAllDocument().sizeWithoutWhitespace())
                .isEqualTo(DenyAllPolicyHardener.denyAllDocument().toJson().length());
        assertThat(PolicyDocument.nonWhitespaceLength(" a b\n\tc ")).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not JSON                     | {"Statement": [                                                                   |      |           | not valid JSON at line 1
            a JSON array                 | []                                                                                |      |           | the document is a JSON array
            no Statement                 | {"Version":"2012-10-17"}                                                          |      | Statement | missing
            empty Statement              | {"Version":"2012-10-17","Statement":[]}                                           |      | Statement | at least one statement
            bad Version                  | {"Version":"2012-10-18","Statement":[]}                                           |      | Version   | '2012-10-18' is not a policy language version
            unknown top-level element    | {"Version":"2012-10-17","Statment":[]}                                            |      | Statment  | unknown element "Statment"
            statement not an object      | {"Statement":["x"]}                                                               | 0    |           | Statement[0]: is a JSON string
            missing Effect               | {"Statement":[{"Action":"*","Resource":"*"}]}                                     | 0    | Effect    | missing
            lower-case Effect value      | {"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}                   | 0    | Effect    | 'allow' is not an effect
            lower-case element name      | {"Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}                   | 0    | effect    | did you mean "Effect"
            plural element name          | {"Statement":[{"Effect":"Allow","Actions":"*","Resource":"*"}]}                  | 0    | Actions   | did you mean "Action"
            both Action and NotAction    | {"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]} | 0    | Action    | not both
            neither Action nor NotAction | {"Statement":[{"Effect":"Allow","Resource":"*"}]}                                 | 0    |           | add "Action"
            not service:action           | {"Statement":[{"Effect":"Allow","Action":"s3.GetObject","Resource":"*"}]}        | 0    | Action    | 's3.GetObject' is not an action
            empty action list            | {"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}                    | 0    | Action    | empty list
            number in action list        | {"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}                   | 0    | Action    | contains a JSON number
            resource not an ARN          | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"my-bucket"}]}            | 0    | Resource  | 'my-bucket' is not an ARN
            both Resource, NotResource   | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}  | 0    | Resource  | not both
            principal not * or object    | {"Statement":[{"Effect":"Allow","Principal":"me","Action":"*"}]}                  | 0    | Principal | 'me' is not a principal
            unknown principal type       | {"Statement":[{"Effect":"Allow","Principal":{"User":"x"},"Action":"*"}]}         | 0    | Principal | unknown principal type "User"
            condition not an object      | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}]}    | 0    | Condition | is a JSON string
            empty condition operator     | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{}}}]} | 0 | Condition.StringEquals | under the operator
            object condition value       | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]} | 0 | Condition.StringEquals.k | contains a JSON object
            duplicate element            | {"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}]}   |      |           | Duplicate field 'Effect'
            second statement at fault    | {"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Two","Effect":"Allow","Action":"*","Resource":"bucket"}]} | 1 | Resource | Statement[1] (Sid "Two"), field Resource
            """)
    void invalidDocumentsGetErrorsPointingAtStatementAndField(String what, String json, Integer index, String field,
                                                            String message) {
        assertThatThrownBy(() -> PolicyDocument.parse("policy.json", json))
                .as(what)
                .isInstanceOfSatisfying(PolicyParseException.class, e -> {
                    assertThat(e.getMessage()).startsWith("invalid IAM policy policy.json: ").contains(message.trim());
                    assertThat(e.statementIndex()).isEqualTo(index);
                    if (field != null) {
                        assertThat(e.field()).isEqualTo(field.trim());
                    }
                });
    }

    @Test
    void policiesCheckStatementsForTheirRole() {
        String withPrincipal = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
        assertThatThrownBy(() -> Policies.builder().identityPolicy("mine", withPrincipal).build())
                .isInstanceOf(PolicyParseException.class)
                .hasMessageContaining("mine").hasMessageContaining("Statement[0]").hasMessageContaining("Principal")
                .hasMessageContaining("only resource-based policies");
        String withoutPrincipal = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
                + "\"Resource\":\"*\"}]}";
        assertThatThrownBy(() -> Policies.builder().resourcePolicy("bucket", withoutPrincipal).build())
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("bucket")
                .hasMessageContaining("Principal");
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/issuer\"}}]}";
        assertThat(Policies.builder().resourcePolicy("trust", trust).build().resource()).hasSize(1);
        assertThatThrownBy(() -> Policies.builder().sessionPolicy("s", trust.replace(",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::111122223333:role/issuer\"}", "")).build())
                .isInstanceOf(PolicyParseException.class).hasMessageContaining("needs Resource");
        assertThatThrownBy(() -> Policies.builder().boundary("a", withoutPrincipal).boundary("b", withoutPrincipal))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most one");
    }

    @Test
    void statementBuilderAndRecordsValidate() {
        assertThatThrownBy(() -> Statement.builder().actions("*").build()).hasMessageContaining("effect");
        assertThatThrownBy(() -> Statement.builder().allow().build()).hasMessageContaining("Action");
        Statement s = Statement.builder().sid("X").allow().actions("s3:*").notResources("arn:aws:s3:::b")
                .condition("Bool", "aws:SecureTransport", "true").build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(s.toJson()).isEqualTo("{\"Sid\":\"X\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":"
                + "\"arn:aws:s3:::b\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}");
        assertThat(PolicyDocument.of(List.of(s)).statements()).containsExactly(s);
        assertThatThrownBy(() -> new PolicyDocument("2020-01-01", null, List.of(s)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
