package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.CloudTrailException;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.InvalidLookupAttributesException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudTrailLookupIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-03-14T09:00:00Z"));
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK).sourceIpAddress("198.51.100.23"))
            .resetBeforeEach();

    private static LookupAttribute attr(LookupAttributeKey key, String value) {
        return LookupAttribute.builder().attributeKey(key).attributeValue(value).build();
    }

    @Test
    void aDenyAllCanaryGetsAccessDeniedAndLeavesAReadableRecord() throws Exception {
        String account = aws.accountId();
        EmulatedCredentials canary = aws.emulator().createUserWithKey(account, "ci-deploy-7f3a", Map.of("deny", Policies.DENY_ALL));
        CLOCK.advance(Duration.ofSeconds(5));
        String[] requestId = new String[1];
        assertThatThrownBy(() -> aws.iam(canary).listUsers())
                .isInstanceOfSatisfying(IamException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + account
                            + ":user/ci-deploy-7f3a is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"
                            + account + ":user/ with an explicit deny in an identity-based policy");
                    requestId[0] = e.requestId();
                });

        LookupEventsResponse r = aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(
                attr(LookupAttributeKey.ACCESS_KEY_ID, canary.accessKeyId())));
        Event event = r.events().get(0);
        assertThat(r.events()).hasSize(1);
        assertThat(event.eventName()).isEqualTo("ListUsers");
        assertThat(event.readOnly()).isEqualTo("true");
        assertThat(event.accessKeyId()).isEqualTo(canary.accessKeyId());
        assertThat(event.username()).isEqualTo("ci-deploy-7f3a");
        assertThat(event.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(event.eventTime()).isEqualTo(CLOCK.instant());

        JsonNode rec = JSON.readTree(event.cloudTrailEvent()); // a JSON string, parsed a second time
        assertThat(rec.path("userIdentity").path("type").asText()).isEqualTo("IAMUser");
        assertThat(rec.path("userIdentity").path("arn").asText()).isEqualTo("arn:aws:iam::" + account + ":user/ci-deploy-7f3a");
        assertThat(rec.path("userIdentity").path("accessKeyId").asText()).isEqualTo(canary.accessKeyId());
        assertThat(rec.path("userIdentity").path("principalId").asText()).startsWith("AIDA");
        assertThat(rec.path("userIdentity").path("userName").asText()).isEqualTo("ci-deploy-7f3a");
        assertThat(rec.path("eventTime").asText()).isEqualTo("2026-03-14T09:00:05Z");
        assertThat(rec.path("eventSource").asText()).isEqualTo("iam.amazonaws.com");
        assertThat(rec.path("eventName").asText()).isEqualTo("ListUsers");
        assertThat(rec.path("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(rec.path("sourceIPAddress").asText()).isEqualTo("198.51.100.23");
        assertThat(rec.path("userAgent").asText()).startsWith("aws-sdk-java/");
        assertThat(rec.path("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(rec.path("errorMessage").asText()).contains("with an explicit deny in an identity-based policy");
        assertThat(rec.path("requestID").asText()).isEqualTo(requestId[0]);
        assertThat(rec.path("eventID").asText()).isEqualTo(event.eventId());
        assertThat(rec.path("readOnly").isBoolean()).isTrue();
        assertThat(rec.path("readOnly").asBoolean()).isTrue();
        assertThat(rec.path("eventType").asText()).isEqualTo("AwsApiCall");
        assertThat(rec.path("managementEvent").asBoolean()).isTrue();
        assertThat(rec.path("recipientAccountId").asText()).isEqualTo(account);
        assertThat(rec.path("eventCategory").asText()).isEqualTo("Management");
        assertThat(rec.path("responseElements").isNull()).isTrue();

        assertThat(aws.emulator().call(requestId[0])).get().satisfies(c -> {
            assertThat(c.errorCode()).isEqualTo("AccessDenied");
            assertThat(c.trailEventId()).isEqualTo(event.eventId());
        });
    }

    @Test
    void assumedRoleRecordsNameTheRoleAsSessionIssuer() throws Exception {
        String account = aws.accountId();
        String roleArn = aws.emulator().createRole(account, "canary-role", Policies.trust("arn:aws:iam::" + account + ":root"),
                Map.of("deny", Policies.DENY_ALL));
        Credentials c = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("canary-session").sourceIdentity("si-1"))
                .credentials();
        EmulatedCredentials session = EmulatedCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration());
        CLOCK.advance(Duration.ofSeconds(1));
        aws.sts(session).getCallerIdentity();
        Event e = aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(attr(LookupAttributeKey.ACCESS_KEY_ID, c.accessKeyId())))
                .events().get(0);
        assertThat(e.username()).isEqualTo("canary-session");
        JsonNode ui = JSON.readTree(e.cloudTrailEvent()).path("userIdentity");
        assertThat(ui.path("type").asText()).isEqualTo("AssumedRole");
        assertThat(ui.path("arn").asText()).isEqualTo("arn:aws:sts::" + account + ":assumed-role/canary-role/canary-session");
        assertThat(ui.path("principalId").asText()).matches("AROA[A-Z2-7]{17}:canary-session");
        JsonNode issuer = ui.path("sessionContext").path("sessionIssuer");
        assertThat(issuer.path("type").asText()).isEqualTo("Role");
        assertThat(issuer.path("arn").asText()).isEqualTo(roleArn);
        assertThat(issuer.path("userName").asText()).isEqualTo("canary-role");
        assertThat(ui.path("sessionContext").path("attributes").path("mfaAuthenticated").asText()).isEqualTo("false");
        assertThat(ui.path("sessionContext").path("sourceIdentity").asText()).isEqualTo("si-1");

        // the AssumeRole event itself, found through the new key id in its response elements
        Event assume = aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(attr(LookupAttributeKey.EVENT_NAME, "AssumeRole")))
                .events().get(0);
        JsonNode rec = JSON.readTree(assume.cloudTrailEvent());
        assertThat(rec.path("responseElements").path("credentials").path("accessKeyId").asText()).isEqualTo(c.accessKeyId());
        assertThat(rec.path("responseElements").path("credentials").has("sessionToken")).isFalse();
        assertThat(rec.path("requestParameters").path("roleArn").asText()).isEqualTo(roleArn);
        assertThat(rec.path("resources").get(0).path("ARN").asText()).isEqualTo(roleArn);
    }

    @Test
    void filtersAllowOneAttributePageByFiftyNewestFirst() {
        CloudTrailClient ct = aws.cloudTrail();
        for (int i = 0; i < 120; i++) {
            CLOCK.advance(Duration.ofSeconds(1));
            aws.iam().getAccountSummary();
        }
        LookupEventsResponse first = ct.lookupEvents(b -> b.lookupAttributes(attr(LookupAttributeKey.EVENT_NAME, "GetAccountSummary")));
        assertThat(first.events()).hasSize(50);
        assertThat(first.nextToken()).isNotBlank();
        assertThat(first.events().get(0).eventTime()).isAfter(first.events().get(49).eventTime());

        List<Event> all = new ArrayList<>();
        ct.lookupEventsPaginator(b -> b.lookupAttributes(attr(LookupAttributeKey.EVENT_NAME, "GetAccountSummary")))
                .events().forEach(all::add);
        assertThat(all).hasSize(120).extracting(Event::eventId).doesNotHaveDuplicates();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i - 1).eventTime()).isAfterOrEqualTo(all.get(i).eventTime());
        }
        // the token belongs to its parameters
        assertThatThrownBy(() -> ct.lookupEvents(b -> b.nextToken(first.nextToken())
                .lookupAttributes(attr(LookupAttributeKey.EVENT_NAME, "CreateUser"))))
                .isInstanceOf(InvalidNextTokenException.class);
        assertThatThrownBy(() -> ct.lookupEvents(b -> b.lookupAttributes(
                attr(LookupAttributeKey.EVENT_NAME, "A"), attr(LookupAttributeKey.USERNAME, "B"))))
                .isInstanceOf(InvalidLookupAttributesException.class);
        assertThat(ct.lookupEvents(b -> b.lookupAttributes(attr(LookupAttributeKey.USERNAME, "issuer"))
                .startTime(CLOCK.instant().minusSeconds(10)).endTime(CLOCK.instant())).events())
                .allSatisfy(e -> assertThat(e.username()).isEqualTo("issuer"))
                .filteredOn(e -> e.eventName().equals("GetAccountSummary")).hasSize(11);
        assertThatThrownBy(() -> ct.lookupEvents(b -> b.maxResults(51))).isInstanceOf(CloudTrailException.class);
    }

    @Test
    void callsAwsDoesNotLogUpdateLastUsedButLeaveNoRecord() {
        EmulatedCredentials canary = aws.emulator().createUserWithKey(aws.accountId(), "quiet", Map.of("deny", Policies.DENY_ALL));
        assertThatThrownBy(() -> aws.client(software.amazon.awssdk.services.sqs.SqsClient.builder(), canary).listQueues())
                .isInstanceOfSatisfying(software.amazon.awssdk.services.sqs.model.SqsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("user/quiet").contains("sqs:listqueues");
                });
        assertThat(aws.emulator().trailRecordsForKey(canary.accessKeyId())).isEmpty();
        assertThat(aws.emulator().accessKey(canary.accessKeyId())).get().satisfies(k -> {
            assertThat(k.lastUsedService()).isEqualTo("sqs");
            assertThat(k.lastUsedDate()).isEqualTo(CLOCK.instant());
        });
        assertThat(aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(
                attr(LookupAttributeKey.ACCESS_KEY_ID, canary.accessKeyId()))).events()).isEmpty();
    }
}
