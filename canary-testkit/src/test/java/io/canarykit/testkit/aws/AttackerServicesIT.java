package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.CloudTrailException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an attacker holding a hardened canary sees from the services it tries, and what the owner sees afterwards. */
class AttackerServicesIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-05-01T12:00:00Z"));

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK)).resetBeforeEach();

    private EmulatedCredentials canary() {
        return aws.emulator().createUserWithKey(aws.accountId(), "svc-build-01", Map.of("deny", Policies.DENY_ALL));
    }

    private String arn() {
        return "arn:aws:iam::" + aws.accountId() + ":user/svc-build-01";
    }

    @Test
    void ec2AnswersUnauthorizedOperationAndRecordsTheCallInItsRegion() throws Exception {
        EmulatedCredentials c = canary();
        Ec2Client ec2 = aws.emulator().client(Ec2Client.builder(), c, Region.EU_WEST_1);
        assertThatThrownBy(ec2::describeInstances).isInstanceOfSatisfying(Ec2Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("You are not authorized to perform this operation. User: "
                    + arn() + " is not authorized to perform: ec2:DescribeInstances with an explicit deny in an identity-based policy");
        });
        TrailRecord r = aws.emulator().trailRecordsForKey(c.accessKeyId()).get(0);
        assertThat(r.eventSource()).isEqualTo("ec2.amazonaws.com");
        assertThat(r.awsRegion()).isEqualTo("eu-west-1");
        assertThat(r.errorCode()).isEqualTo("Client.UnauthorizedOperation");
        assertThat(new ObjectMapper().readTree(r.json()).path("requestParameters").has("instancesSet")).isTrue();
        assertThat(aws.emulator().accessKey(c.accessKeyId())).get().satisfies(k -> {
            assertThat(k.lastUsedService()).isEqualTo("ec2");
            assertThat(k.lastUsedRegion()).isEqualTo("eu-west-1");
        });
        // an allowed principal gets an empty, well-formed answer
        assertThat(aws.client(Ec2Client.builder(), aws.adminCredentials()).describeInstances().reservations()).isEmpty();
        // LookupEvents is per region: the record is in eu-west-1, not us-east-1
        CloudTrailClient euTrail = aws.emulator().client(CloudTrailClient.builder(), aws.adminCredentials(), Region.EU_WEST_1);
        assertThat(euTrail.lookupEvents(b -> b.lookupAttributes(software.amazon.awssdk.services.cloudtrail.model.LookupAttribute.builder()
                        .attributeKey("AccessKeyId").attributeValue(c.accessKeyId()).build()))
                .events()).hasSize(1);
        assertThat(aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(software.amazon.awssdk.services.cloudtrail.model.LookupAttribute.builder()
                        .attributeKey("AccessKeyId").attributeValue(c.accessKeyId()).build()))
                .events()).isEmpty();
    }

    @Test
    void snsPublishRevealsTheArnWithoutACloudTrailRecord() {
        EmulatedCredentials c = canary();
        SnsClient sns = aws.client(SnsClient.builder(), c);
        assertThatThrownBy(() -> sns.publish(b -> b.message("foo").phoneNumber("1")))
                .isInstanceOfSatisfying(AuthorizationErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: " + arn()
                            + " is not authorized to perform: SNS:Publish with an explicit deny in an identity-based policy");
                });
        assertThat(aws.emulator().trailRecordsForKey(c.accessKeyId())).isEmpty();
        assertThat(aws.emulator().accessKey(c.accessKeyId())).get().satisfies(k -> {
            assertThat(k.lastUsedService()).isEqualTo("sns");
            assertThat(k.lastUsedDate()).isEqualTo(CLOCK.instant());
        });
        assertThat(aws.client(SnsClient.builder(), aws.adminCredentials()).publish(b -> b.message("hi").phoneNumber("1"))
                .messageId()).isNotBlank();
    }

    @Test
    void sqsListQueuesRevealsTheArnWithoutACloudTrailRecord() {
        EmulatedCredentials c = canary();
        assertThatThrownBy(() -> aws.client(SqsClient.builder(), c).listQueues())
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: " + arn()
                            + " is not authorized to perform: sqs:listqueues on resource: arn:aws:sqs:us-east-1:"
                            + aws.accountId() + ": with an explicit deny in an identity-based policy");
                });
        assertThat(aws.emulator().trailRecordsForKey(c.accessKeyId())).isEmpty();
        assertThat(aws.client(SqsClient.builder(), aws.adminCredentials()).listQueues().queueUrls()).isEmpty();
    }

    @Test
    void secretsManagerAnswersAccessDeniedExceptionAndIsRecorded() {
        EmulatedCredentials c = canary();
        SecretsManagerClient sm = aws.client(SecretsManagerClient.builder(), c);
        assertThatThrownBy(sm::listSecrets).isInstanceOfSatisfying(SecretsManagerException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: " + arn()
                    + " is not authorized to perform: secretsmanager:ListSecrets with an explicit deny in an identity-based policy");
        });
        assertThat(aws.emulator().trailRecordsForKey(c.accessKeyId())).singleElement().satisfies(r -> {
            assertThat(r.eventSource()).isEqualTo("secretsmanager.amazonaws.com");
            assertThat(r.errorCode()).isEqualTo("AccessDenied");
        });
        assertThat(aws.client(SecretsManagerClient.builder(), aws.adminCredentials()).listSecrets().secretList()).isEmpty();
    }

    @Test
    void s3ListBucketsAndCloudTrailLookupAreDeniedAndRecorded() {
        EmulatedCredentials c = canary();
        assertThatThrownBy(() -> aws.emulator().s3(c).listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(e.awsErrorDetails().errorMessage()).contains("s3:ListAllMyBuckets");
        });
        assertThatThrownBy(() -> aws.emulator().cloudTrail(c).lookupEvents()).isInstanceOfSatisfying(CloudTrailException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        assertThatThrownBy(() -> aws.emulator().cloudTrail(c).describeTrails()).isInstanceOf(CloudTrailException.class);
        assertThat(aws.emulator().trailRecordsForKey(c.accessKeyId())).extracting(TrailRecord::eventName)
                .containsExactly("ListBuckets", "LookupEvents", "DescribeTrails");
        assertThat(aws.cloudTrail().describeTrails().trailList()).singleElement()
                .satisfies(t -> assertThat(t.s3BucketName()).isEqualTo(aws.emulator().trailBucket()));
    }

    @Test
    void everyServiceChecksTheSignatureAndTheSessionExpiry() {
        EmulatedCredentials c = canary();
        EmulatedCredentials wrong = c.withWrongSecret();
        assertThatThrownBy(() -> aws.client(Ec2Client.builder(), wrong).describeInstances())
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        assertThatThrownBy(() -> aws.client(SecretsManagerClient.builder(), wrong).listSecrets())
                .isInstanceOfSatisfying(SecretsManagerException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
        assertThatThrownBy(() -> aws.emulator().s3(wrong).listBuckets())
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        assertThatThrownBy(() -> aws.client(SqsClient.builder(), wrong).listQueues())
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        EmulatedCredentials unknown = EmulatedCredentials.of("AKIAZZZZZZZZZZZZZZZZ", "y".repeat(40));
        assertThatThrownBy(() -> aws.client(Ec2Client.builder(), unknown).describeInstances())
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure"));
        assertThatThrownBy(() -> aws.emulator().s3(unknown).listBuckets())
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId"));
        assertThatThrownBy(() -> aws.client(SecretsManagerClient.builder(), unknown).listSecrets())
                .isInstanceOfSatisfying(SecretsManagerException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));

        String roleArn = aws.emulator().createRole(aws.accountId(), "short", Policies.trust("arn:aws:iam::" + aws.accountId() + ":root"), Map.of());
        Credentials s = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("short").durationSeconds(900)).credentials();
        EmulatedCredentials session = EmulatedCredentials.of(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(), s.expiration());
        CLOCK.advance(Duration.ofMinutes(16));
        assertThatThrownBy(() -> aws.client(SecretsManagerClient.builder(), session).listSecrets())
                .isInstanceOfSatisfying(SecretsManagerException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
        assertThatThrownBy(() -> aws.emulator().s3(session).listBuckets())
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
        assertThatThrownBy(() -> aws.client(Ec2Client.builder(), session).describeInstances())
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestExpired"));
        assertThat(aws.emulator().trailRecordsForKey(session.accessKeyId())).isEmpty();
    }
}
