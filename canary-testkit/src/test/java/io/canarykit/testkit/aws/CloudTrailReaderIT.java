package io.canarykit.testkit.aws;

import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.ReadResult;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** canarykit's own CloudTrail reader reads everything the emulator writes, in every shape. */
class CloudTrailReaderIT {

    @Test
    void readsLogFilesLookupEventsAndEventBridgeEnvelopes() {
        List<String> envelopes = new CopyOnWriteArrayList<>();
        try (AwsEmulator aws = AwsEmulator.builder().eventBridgeSink(envelopes::add, true).start()) {
            String account = aws.accountId();
            EmulatedCredentials canary = aws.createUserWithKey(account, "ci-deploy-7f3a", Map.of("deny", Policies.DENY_ALL));
            assertThatThrownBy(() -> aws.iam(canary).listUsers()).isInstanceOf(IamException.class);
            String roleArn = aws.createRole(account, "canary-role", Policies.trust("arn:aws:iam::" + account + ":root"),
                    Map.of("deny", Policies.DENY_ALL));
            Credentials rc = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("canary-session")).credentials();
            aws.sts(EmulatedCredentials.of(rc.accessKeyId(), rc.secretAccessKey(), rc.sessionToken(), null)).getCallerIdentity();
            EmulatedCredentials fedIssuer = aws.createUserWithKey(account, "fed-issuer", Map.of("all", Policies.ALLOW_ALL));
            Credentials fc = aws.sts(fedIssuer).getFederationToken(b -> b.name("build-bot")).credentials();
            aws.sts(EmulatedCredentials.of(fc.accessKeyId(), fc.secretAccessKey(), fc.sessionToken(), null)).getCallerIdentity();
            aws.deliverNow();
            CloudTrailReader reader = CloudTrailReader.create();

            // 1. the S3 log file, fetched with the SDK
            S3Object file = aws.s3().listObjectsV2(b -> b.bucket(aws.trailBucket())).contents().get(0);
            byte[] gz = aws.s3().getObjectAsBytes(b -> b.bucket(aws.trailBucket()).key(file.key())).asByteArray();
            List<CloudTrailRecord> fromS3 = new ArrayList<>();
            ReadResult r = reader.read(new ByteArrayInputStream(gz), file.key(), fromS3::add);
            assertThat(r.clean()).isTrue();
            assertThat(r.gzipped()).isTrue();
            assertThat(fromS3).hasSize(aws.trailRecords().size());

            CloudTrailRecord denied = fromS3.stream().filter(x -> canary.accessKeyId().equals(x.accessKeyId())).findFirst().orElseThrow();
            assertThat(denied.eventName()).isEqualTo("ListUsers");
            assertThat(denied.errorCode()).isEqualTo("AccessDenied");
            assertThat(denied.readOnly()).isTrue();
            assertThat(denied.recipientAccountId()).isEqualTo(account);
            assertThat(denied.userIdentity().type()).isEqualTo("IAMUser");
            assertThat(denied.userIdentity().userName()).isEqualTo("ci-deploy-7f3a");
            assertThat(denied.principalArn()).isEqualTo("arn:aws:iam::" + account + ":user/ci-deploy-7f3a");

            CloudTrailRecord role = fromS3.stream().filter(x -> rc.accessKeyId().equals(x.accessKeyId())).findFirst().orElseThrow();
            assertThat(role.userIdentity().type()).isEqualTo("AssumedRole");
            assertThat(role.userIdentity().sessionIssuer().arn()).isEqualTo(roleArn);
            assertThat(role.userIdentity().sessionCreated()).isNotNull();

            CloudTrailRecord fed = fromS3.stream().filter(x -> fc.accessKeyId().equals(x.accessKeyId())).findFirst().orElseThrow();
            assertThat(fed.userIdentity().type()).isEqualTo("FederatedUser");
            assertThat(fed.userIdentity().sessionIssuer().arn()).isEqualTo("arn:aws:iam::" + account + ":user/fed-issuer");

            // 2. LookupEvents answers, whose CloudTrailEvent is a JSON string
            StringBuilder lookup = new StringBuilder("{\"Events\":[");
            var events = aws.cloudTrail().lookupEvents().events();
            for (int i = 0; i < events.size(); i++) {
                var e = events.get(i);
                lookup.append(i == 0 ? "" : ",").append("{\"EventId\":\"").append(e.eventId())
                        .append("\",\"CloudTrailEvent\":").append(Wire.JSON.getNodeFactory().textNode(e.cloudTrailEvent()).toString()).append('}');
            }
            lookup.append("]}");
            List<CloudTrailRecord> fromLookup = new ArrayList<>();
            assertThat(reader.read(lookup.toString(), "lookup", fromLookup::add).clean()).isTrue();
            assertThat(fromLookup).extracting(CloudTrailRecord::eventId)
                    .containsExactlyInAnyOrderElementsOf(events.stream().map(x -> x.eventId()).toList());

            // 3. EventBridge envelopes, one JSON document per line
            List<CloudTrailRecord> fromEventBridge = new ArrayList<>();
            assertThat(reader.read(String.join("\n", envelopes), "eventbridge", fromEventBridge::add).clean()).isTrue();
            assertThat(fromEventBridge).extracting(CloudTrailRecord::eventId)
                    .containsExactlyElementsOf(aws.trailRecords().stream().map(TrailRecord::eventId).toList());
        }
    }
}
