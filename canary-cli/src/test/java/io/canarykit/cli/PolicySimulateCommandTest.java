package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static io.canarykit.cli.CanaryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class PolicySimulateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private String file(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p.toString();
    }

    private JsonNode decision(CanaryCommandTest.Result r) throws IOException {
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode n = JSON.readTree(r.out());
        List<String> fields = new ArrayList<>();
        Iterator<String> it = n.fieldNames();
        it.forEachRemaining(fields::add);
        assertThat(fields).containsExactly("decision", "implicit", "reason", "decidingPolicy", "decidingStatement");
        assertThat(r.out().trim()).doesNotContain("\n");
        return n;
    }

    @Test
    void explicitDenyNamesPolicyAndStatement() throws IOException {
        String policy = file("user.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Action":"*","Resource":"*"}]}""");
        String bucket = file("bucket.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"*",
                 "Resource":"*"}]}""");
        JsonNode n = decision(run("policy", "simulate", "--policy", policy, "--resource-policy", bucket,
                "--action", "s3:GetObject", "--resource", "arn:aws:s3:::reports/q1.csv", "--json"));
        assertThat(n.get("decision").asText()).isEqualTo("DENY");
        assertThat(n.get("implicit").asBoolean()).isFalse();
        assertThat(n.get("decidingPolicy").asText()).isEqualTo(policy);
        assertThat(n.get("decidingStatement").asText()).isEqualTo("DenyAll");
        assertThat(n.get("reason").asText()).contains("explicitly denied by statement \"DenyAll\"");
    }

    @Test
    void theResourcePolicyGrantIsShown() throws IOException {
        String policy = file("empty.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}""");
        String bucket = file("bucket.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"s3:*",
                 "Resource":"*"}]}""");
        JsonNode n = decision(run("policy", "simulate", "--policy", policy, "--resource-policy", bucket,
                "--action", "s3:GetObject", "--resource", "arn:aws:s3:::reports/q1.csv", "--json"));
        assertThat(n.get("decision").asText()).isEqualTo("ALLOW");
        assertThat(n.get("implicit").asBoolean()).isFalse();
        assertThat(n.get("decidingPolicy").asText()).isEqualTo(bucket);
        assertThat(n.get("decidingStatement").asText()).isEqualTo("Everyone");
    }

    @Test
    void implicitDenyHasNullStatement() throws IOException {
        String policy = file("ec2.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}""");
        JsonNode n = decision(run("policy", "simulate", "--policy", policy, "--action", "s3:GetObject",
                "--resource", "arn:aws:s3:::b/k", "--json"));
        assertThat(n.get("decision").asText()).isEqualTo("DENY");
        assertThat(n.get("implicit").asBoolean()).isTrue();
        assertThat(n.get("decidingStatement").isNull()).isTrue();
        assertThat(n.get("decidingPolicy").asText()).isEqualTo(policy);
    }

    @Test
    void boundarySessionScpPrincipalAndContext() throws IOException {
        String admin = file("admin.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        String boundary = file("boundary.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        String session = file("session.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}""");
        String full = file("full.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}""");
        String noDelete = file("no-delete.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}""");
        String session1 = "arn:aws:sts::111122223333:assumed-role/app/s1";
        JsonNode inside = decision(run("policy", "simulate", "--policy", admin, "--boundary", boundary, "--session",
                session, "--scp", full, "--scp", noDelete, "--principal-arn", session1, "--action", "s3:GetObject",
                "--resource", "arn:aws:s3:::b/k", "--context", "aws:SourceIp=203.0.113.9", "--json"));
        assertThat(inside.get("decision").asText()).isEqualTo("ALLOW");
        JsonNode outside = decision(run("policy", "simulate", "--policy", admin, "--boundary", boundary, "--session",
                session, "--scp", full, "--scp", noDelete, "--principal-arn", session1, "--action", "s3:GetObject",
                "--resource", "arn:aws:s3:::b/k", "--context", "aws:SourceIp=198.51.100.9", "--json"));
        assertThat(outside.get("decision").asText()).isEqualTo("DENY");
        assertThat(outside.get("implicit").asBoolean()).isTrue();
        assertThat(outside.get("decidingPolicy").asText()).isEqualTo(session);
        JsonNode ec2 = decision(run("policy", "simulate", "--policy", admin, "--boundary", boundary,
                "--principal-arn", session1, "--action", "ec2:RunInstances", "--resource", "*", "--json"));
        assertThat(ec2.get("decidingPolicy").asText()).isEqualTo(boundary);
        JsonNode delete = decision(run("policy", "simulate", "--policy", admin, "--scp", full, "--scp", noDelete,
                "--action", "s3:DeleteObject", "--resource", "arn:aws:s3:::b/k", "--json"));
        assertThat(delete.get("decidingStatement").asText()).isEqualTo("NoDelete");
        JsonNode multi = decision(run("policy", "simulate", "--policy", file("tags.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:TagUser","Resource":"*",
                 "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}"""),
                "--action", "iam:TagUser", "--resource", "*", "--context", "aws:TagKeys=team",
                "--context", "aws:TagKeys=owner", "--json"));
        assertThat(multi.get("decision").asText()).isEqualTo("DENY");
    }

    @Test
    void getCallerIdentityIsAlwaysAllowed() throws IOException {
        String deny = file("deny.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}""");
        JsonNode n = decision(run("policy", "simulate", "--policy", deny, "--action", "sts:GetCallerIdentity",
                "--resource", "*", "--json"));
        assertThat(n.get("decision").asText()).isEqualTo("ALLOW");
        assertThat(n.get("decidingPolicy").isNull()).isTrue();
    }

    @Test
    void textOutputQuotesTheStatement() throws IOException {
        String policy = file("p.json", """
                {"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""");
        CanaryCommandTest.Result r = run("policy", "simulate", "--policy", policy, "--action", "s3:GetObject",
                "--resource", "arn:aws:s3:::b/k");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("ALLOW: allowed by statement \"Read\"")
                .contains("deciding statement: {\"Sid\":\"Read\",\"Effect\":\"Allow\"");
    }

    @Test
    void errors() throws IOException {
        String bad = file("bad.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3.GetObject","Resource":"*"}]}""");
        CanaryCommandTest.Result invalid = run("policy", "simulate", "--policy", bad, "--action", "s3:GetObject",
                "--resource", "*");
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains(bad).contains("Statement[0], field Action")
                .contains("'s3.GetObject' is not an action").doesNotContain("\tat ");
        CanaryCommandTest.Result missingFile = run("policy", "simulate", "--policy", dir.resolve("nope.json").toString(),
                "--action", "s3:GetObject", "--resource", "*");
        assertThat(missingFile.code()).isEqualTo(1);
        assertThat(missingFile.err()).contains("does not exist");
        String ok = file("ok.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        CanaryCommandTest.Result badContext = run("policy", "simulate", "--policy", ok, "--action", "s3:GetObject",
                "--resource", "*", "--context", "novalue");
        assertThat(badContext.code()).isEqualTo(2);
        assertThat(badContext.err()).contains("KEY=VALUE");
        CanaryCommandTest.Result noAction = run("policy", "simulate", "--policy", ok, "--resource", "*");
        assertThat(noAction.code()).isEqualTo(2);
        assertThat(noAction.err()).contains("--action");
        CanaryCommandTest.Result badAction = run("policy", "simulate", "--policy", ok, "--action", "GetObject",
                "--resource", "*");
        assertThat(badAction.code()).isEqualTo(2);
        CanaryCommandTest.Result principalInIdentity = run("policy", "simulate", "--policy", file("withp.json", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"""),
                "--action", "s3:GetObject", "--resource", "*");
        assertThat(principalInIdentity.code()).isEqualTo(1);
        assertThat(principalInIdentity.err()).contains("cannot name a principal");
    }
}
