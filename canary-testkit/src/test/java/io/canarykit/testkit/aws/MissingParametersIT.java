package io.canarykit.testkit.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that leaves out members (or sends an empty JSON body) gets the service's own client error in the
 * service's protocol, as AWS answers it, never an emulator failure (a 500 from a NullPointerException). Requests are
 * signed by hand: the SDK's own clients would not send most of them.
 */
class MissingParametersIT {
    private static final List<String> IAM = List.of("CreateUser", "GetUser", "ListUsers", "DeleteUser", "TagUser",
            "UntagUser", "ListUserTags", "PutUserPolicy", "GetUserPolicy", "DeleteUserPolicy", "ListUserPolicies",
            "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary", "AttachUserPolicy", "DetachUserPolicy",
            "ListAttachedUserPolicies", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey", "ListAccessKeys",
            "GetAccessKeyLastUsed", "CreateLoginProfile", "GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile",
            "GenerateCredentialReport", "GetCredentialReport", "GetAccountSummary", "CreateRole", "GetRole",
            "ListRoles", "DeleteRole", "UpdateRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "GetRolePolicy",
            "DeleteRolePolicy", "ListRolePolicies", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
            "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "TagRole", "UntagRole", "CreatePolicy",
            "GetPolicy", "GetPolicyVersion", "DeletePolicy", "ListPolicies", "CreateGroup", "GetGroup", "DeleteGroup",
            "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser", "PutGroupPolicy", "DeleteGroupPolicy",
            "AttachGroupPolicy", "DetachGroupPolicy", "UploadSSHPublicKey", "ListSSHPublicKeys", "DeleteSSHPublicKey",
            "UploadSigningCertificate", "ListSigningCertificates", "DeleteSigningCertificate",
            "CreateServiceSpecificCredential", "ListServiceSpecificCredentials", "DeleteServiceSpecificCredential",
            "CreateVirtualMFADevice", "EnableMFADevice", "ListMFADevices", "DeactivateMFADevice",
            "DeleteVirtualMFADevice");
    private static final List<String> STS = List.of("GetCallerIdentity", "AssumeRole", "GetFederationToken",
            "GetSessionToken", "GetAccessKeyInfo");
    private static final Map<String, List<String>> JSON = Map.of(
            "cloudtrail", List.of("LookupEvents", "DescribeTrails", "ListTrails", "GetTrailStatus"),
            "secretsmanager", List.of("CreateSecret", "PutSecretValue", "GetSecretValue", "DescribeSecret",
                    "ListSecrets", "DeleteSecret", "RestoreSecret", "TagResource", "UntagResource",
                    "UpdateSecretVersionStage"),
            "ssm", List.of("PutParameter", "GetParameter", "GetParameterHistory", "DescribeParameters",
                    "DeleteParameter", "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource"),
            "organizations", List.of("DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent",
                    "ListAccounts", "ListAccountsForParent", "ListTagsForResource"));

    /** Error codes that would mean a request never reached its operation. */
    private static final List<String> AUTHENTICATION = List.of("InvalidClientTokenId", "SignatureDoesNotMatch",
            "IncompleteSignature", "UnrecognizedClientException", "InvalidSignatureException",
            "MissingAuthenticationToken");

    private static AwsEmulator aws;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().trailDeliveryDelay(Duration.ZERO).start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void handSignedRequestsAreAuthenticated() throws Exception {
        // the sweeps below prove nothing unless their requests get past authentication
        HttpResponse<String> r = send("sts", query("GetCallerIdentity", "2011-06-15"), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<Account>" + aws.accountId() + "</Account>");
        HttpResponse<String> json = send("secretsmanager", "{}", "secretsmanager.ListSecrets");
        assertThat(json.statusCode()).isEqualTo(200);
    }

    @Test
    void iamCreateUserWithoutUserNameIsAValidationErrorInXml() throws Exception {
        HttpResponse<String> r = send("iam", query("CreateUser", "2010-05-08"), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Type>Sender</Type><Code>ValidationError</Code>")
                .contains("Value null at &apos;userName&apos; failed to satisfy constraint: Member must not be null");
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
    }

    @Test
    void stsAssumeRoleWithoutRoleArnIsAValidationErrorInXml() throws Exception {
        HttpResponse<String> r = send("sts", query("AssumeRole", "2011-06-15") + "&RoleSessionName=s", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>ValidationError</Code>").contains("Value null at &apos;roleArn&apos;");
    }

    @Test
    void jsonServicesAnswerAMissingMemberWithAValidationExceptionInJson() throws Exception {
        HttpResponse<String> secret = send("secretsmanager", "{}", "secretsmanager.CreateSecret");
        assertThat(secret.statusCode()).isEqualTo(400);
        assertThat(secret.body()).contains("\"__type\":\"ValidationException\"").contains("Value null at 'name'");
        HttpResponse<String> parameter = send("ssm", "{\"Name\":\"/p\"}", "AmazonSSM.PutParameter");
        assertThat(parameter.statusCode()).isEqualTo(400);
        assertThat(parameter.body()).contains("\"__type\":\"ValidationException\"").contains("Value null at 'value'");
    }

    @Test
    void queryOperationsWithoutParametersAnswerAClientError() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String op : IAM) {
            check(failures, "iam", query(op, "2010-05-08"), null);
        }
        for (String op : STS) {
            check(failures, "sts", query(op, "2011-06-15"), null);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void jsonOperationsWithAnEmptyBodyAnswerAClientError() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : JSON.entrySet()) {
            for (String op : e.getValue()) {
                check(failures, e.getKey(), "{}", "Target." + op);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String query(String op, String version) {
        return "Action=" + op + "&Version=" + version;
    }

    private static void check(List<String> failures, String service, String body, String target) throws Exception {
        HttpResponse<String> r = send(service, body, target);
        if (r.statusCode() >= 500 || AUTHENTICATION.stream().anyMatch(r.body()::contains)) {
            failures.add(service + ":" + (target == null ? body : target) + " -> " + r.statusCode() + " " + r.body());
        }
    }

    /** A request signed with the management account's administrator key, as the SDK signs it. */
    static HttpResponse<String> send(String service, String body, String target) throws Exception {
        EmulatedCredentials admin = aws.adminCredentials();
        URI endpoint = aws.endpoint();
        String host = endpoint.getHost() + ":" + endpoint.getPort();
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String contentType = target == null ? "application/x-www-form-urlencoded" : "application/x-amz-json-1.1";
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of(host));
        headers.put("x-amz-date", List.of(amzDate));
        headers.put("content-type", List.of(contentType));
        if (target != null) {
            headers.put("x-amz-target", List.of(target));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        AwsRequest toSign = new AwsRequest("POST", "/", headers, bytes, "127.0.0.1");
        toSign.scopeDate = amzDate.substring(0, 8);
        toSign.region = "us-east-1";
        toSign.service = service;
        toSign.amzDate = amzDate;
        toSign.signedHeaders = target == null ? List.of("content-type", "host", "x-amz-date")
                : List.of("content-type", "host", "x-amz-date", "x-amz-target");
        String signature = SigV4.sign(toSign, admin.secretAccessKey().reveal());
        String authorization = SigV4.ALGORITHM + " Credential=" + admin.accessKeyId() + "/" + toSign.scopeDate
                + "/us-east-1/" + service + "/aws4_request, SignedHeaders=" + String.join(";", toSign.signedHeaders)
                + ", Signature=" + signature;
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(10))
                .header("X-Amz-Date", amzDate)
                .header("Content-Type", contentType)
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
