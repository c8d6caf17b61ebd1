package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emulator's Secrets Manager, driven by the real SDK client. */
class SecretsManagerEmulatorIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    static final String TOKEN_1 = "11111111-2222-4333-8444-555555555555";

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK)).resetBeforeEach();

    private SecretsManagerClient admin() {
        return aws.client(SecretsManagerClient.builder(), aws.adminCredentials());
    }

    @Test
    void createReadRotateDescribeAndForceDelete() {
        SecretsManagerClient sm = admin();
        CreateSecretResponse created = sm.createSecret(r -> r.name("prod/billing/aws").secretString("{\"a\":1}")
                .description("billing exporter").clientRequestToken(TOKEN_1)
                .tags(Tag.builder().key("team").value("billing").build()));
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:" + aws.accountId()
                + ":secret:prod/billing/aws-[A-Za-z0-9]{6}");
        assertThat(created.versionId()).isEqualTo(TOKEN_1);

        GetSecretValueResponse v = sm.getSecretValue(r -> r.secretId(created.arn()));
        assertThat(v.secretString()).isEqualTo("{\"a\":1}");
        assertThat(v.versionStages()).containsExactly("AWSCURRENT");

        String second = sm.putSecretValue(r -> r.secretId("prod/billing/aws").secretString("{\"a\":2}")).versionId();
        assertThat(sm.getSecretValue(r -> r.secretId("prod/billing/aws")).secretString()).isEqualTo("{\"a\":2}");
        assertThat(sm.getSecretValue(r -> r.secretId("prod/billing/aws").versionStage("AWSPREVIOUS")).secretString())
                .isEqualTo("{\"a\":1}");
        DescribeSecretResponse d = sm.describeSecret(r -> r.secretId("prod/billing/aws"));
        assertThat(d.tags()).containsExactly(Tag.builder().key("team").value("billing").build());
        assertThat(d.description()).isEqualTo("billing exporter");
        assertThat(d.versionIdsToStages()).containsEntry(second, java.util.List.of("AWSCURRENT"))
                .containsEntry(TOKEN_1, java.util.List.of("AWSPREVIOUS"));
        assertThat(sm.listSecrets().secretList()).extracting(s -> s.name()).containsExactly("prod/billing/aws");

        assertThat(sm.deleteSecret(r -> r.secretId("prod/billing/aws").forceDeleteWithoutRecovery(true)).name())
                .isEqualTo("prod/billing/aws");
        assertThat(aws.emulator().secrets(aws.accountId())).isEmpty();
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("prod/billing/aws")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aRepeatedValueWriteWithTheSameTokenIsIgnoredAndADifferentValueIsRefused() {
        SecretsManagerClient sm = admin();
        sm.createSecret(r -> r.name("ci/deploy").secretString("one"));
        String token = "99999999-2222-4333-8444-555555555555";
        sm.putSecretValue(r -> r.secretId("ci/deploy").secretString("two").clientRequestToken(token));
        sm.putSecretValue(r -> r.secretId("ci/deploy").secretString("two").clientRequestToken(token));
        assertThat(aws.emulator().secrets(aws.accountId())).singleElement()
                .satisfies(s -> assertThat(s.versions()).isEqualTo(2));
        assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("ci/deploy").secretString("three")
                .clientRequestToken(token))).isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("ci/deploy").secretString("x")))
                .isInstanceOf(ResourceExistsException.class)
                .hasMessageContaining("The operation failed because the secret ci/deploy already exists.");
    }

    @Test
    void aScheduledDeletionRefusesReadsAndNamesUntilTheWindowEnds() {
        SecretsManagerClient sm = admin();
        sm.createSecret(r -> r.name("ops/key").secretString("v"));
        assertThatThrownBy(() -> sm.deleteSecret(r -> r.secretId("ops/key").recoveryWindowInDays(3L)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sm.deleteSecret(r -> r.secretId("ops/key").recoveryWindowInDays(7L)
                .forceDeleteWithoutRecovery(true))).isInstanceOf(InvalidParameterException.class);
        Instant deletion = sm.deleteSecret(r -> r.secretId("ops/key").recoveryWindowInDays(7L)).deletionDate();
        assertThat(deletion).isEqualTo(CLOCK.instant().plus(Duration.ofDays(7)));
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("ops/key")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("marked for deletion");
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("ops/key").secretString("v")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("scheduled for deletion");
        assertThat(sm.describeSecret(r -> r.secretId("ops/key")).deletedDate()).isEqualTo(CLOCK.instant());
        assertThat(sm.listSecrets().secretList()).isEmpty();
        assertThat(sm.listSecrets(r -> r.includePlannedDeletion(true)).secretList()).hasSize(1);

        CLOCK.advance(Duration.ofDays(7));
        assertThat(aws.emulator().secrets(aws.accountId())).isEmpty();
        sm.createSecret(r -> r.name("ops/key").secretString("again"));
    }

    @Test
    void secretsAreKeptPerRegionAndAHardenedCanaryIsDeniedAndNoValueReachesTheTrail() throws Exception {
        SecretsManagerClient east = admin();
        SecretsManagerClient west = aws.emulator().client(SecretsManagerClient.builder(), aws.adminCredentials(),
                Region.EU_WEST_1);
        east.createSecret(r -> r.name("shared").secretString("east-value-0123456789"));
        assertThatThrownBy(() -> west.getSecretValue(r -> r.secretId("shared")))
                .isInstanceOf(ResourceNotFoundException.class);

        EmulatedCredentials canary = aws.emulator().createUserWithKey(aws.accountId(), "svc-build-01",
                Map.of("deny", Policies.DENY_ALL));
        assertThatThrownBy(() -> aws.client(SecretsManagerClient.builder(), canary).getSecretValue(r -> r.secretId("shared")))
                .isInstanceOfSatisfying(SecretsManagerException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("AccessDeniedException"));

        aws.emulator().flush();
        for (TrailRecord r : aws.emulator().trailRecords()) {
            assertThat(r.json()).doesNotContain("east-value-0123456789");
        }
        assertThat(aws.emulator().trailRecords()).anySatisfy(r -> {
            assertThat(r.eventName()).isEqualTo("CreateSecret");
            assertThat(new ObjectMapper().readTree(r.json()).path("requestParameters").path("name").asText())
                    .isEqualTo("shared");
        });
    }
}
