package io.canarykit.aws.lifecycle;

import io.canarykit.Asset;
import io.canarykit.CanaryException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.IssueOutcome;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementSpec;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.aws.placement.SecretsManagerPlacement;
import io.canarykit.aws.placement.SsmParameterPlacement;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.internal.CredentialText;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The lifecycle with the AWS secret-store placements: issue into a secret, rotate in place (successor first, old
 * revoked after the grace period, the secret never removed), revoke; and a placement that fails after creating its
 * secret leaves neither the secret nor a live canary.
 */
class SecretStoreLifecycleIT {
    private AwsEmulator aws;
    private MutableClock clock;
    private InMemoryCanaryStore store;
    private SecretsManagerClient sm;
    private SsmClient ssm;
    private CanaryService service;

    @BeforeEach
    void start() {
        clock = MutableClock.at(Instant.now());
        aws = AwsEmulator.builder().clock(clock).start();
        store = InMemoryCanaryStore.create();
        sm = aws.configure(SecretsManagerClient.builder(), aws.adminCredentials(), Region.EU_WEST_1)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        ssm = aws.configure(SsmClient.builder(), aws.adminCredentials(), Region.EU_WEST_1)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        IamUserIssuer issuer = IamUserIssuer.builder().iam(aws.iam()).sts(aws.sts()).accountId(aws.accountId())
                .clock(clock).build();
        service = CanaryService.builder().store(store)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).clock(clock)
                        .minimumAge(Duration.ofMinutes(5)).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create())
                .placement(SecretsManagerPlacement.builder().client(sm).recoveryWindowDays(7).clock(clock).build())
                .placement(SsmParameterPlacement.builder().client(ssm).clock(clock).build())
                .clock(clock).maxAge(Duration.ofDays(30)).gracePeriod(Duration.ofHours(1)).build();
    }

    @AfterEach
    void stop() {
        service.close();
        sm.close();
        ssm.close();
        aws.close();
    }

    private SecretView secret() {
        return aws.secrets(aws.accountId()).get(0);
    }

    @Test
    void issueRotateInPlaceAndRevoke() {
        IssueOutcome first = service.issue(Asset.of("service", "billing-exporter"),
                PlacementSpec.of("aws-secrets-manager", Map.of("name", "prod/billing/exporter", "tags", "team=billing")));
        assertThat(first.record().receipt().placement()).isEqualTo("aws-secrets-manager");
        assertThat(CredentialText.accessKeyId(secret().currentValue().reveal())).isEqualTo(first.record().accessKeyId());
        String arn = secret().arn();

        clock.advance(Duration.ofDays(31));
        LifecycleReport.Rotate rotated = service.rotate();
        CanaryRecord successor = store.find(rotated.replaced().get(0).replacement()).orElseThrow();
        assertThat(successor.receipt().location()).as("the same secret").isEqualTo(arn);
        assertThat(CredentialText.accessKeyId(secret().currentValue().reveal())).isEqualTo(successor.accessKeyId());
        clock.advance(Duration.ofMinutes(61));
        assertThat(service.rotate().revoked()).containsExactly(first.record().id());
        assertThat(aws.secrets(aws.accountId())).as("revoking the old canary left the successor's secret")
                .singleElement().satisfies(s -> assertThat(s.scheduledForDeletion()).isFalse());
        assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(1);

        assertThat(service.revoke(successor.id()).status().isLive()).isFalse();
        assertThat(secret().scheduledForDeletion()).isTrue();
        assertThat(secret().deletionDate()).isEqualTo(secret().deletedDate().plus(Duration.ofDays(7)));
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
    }

    @Test
    void aPlacementThatFailsAfterCreatingItsParameterLeavesNoParameterAndNoLiveCanary() {
        aws.faults().add(FaultRule.on("ssm:ListTagsForResource").always()
                .then(FaultAction.error(400, "AccessDeniedException", "not authorized to perform: ssm:ListTagsForResource")));
        Throwable e = catchThrowable(() -> service.issue(Asset.of("service", "billing-exporter"),
                PlacementSpec.of("ssm-parameter", Map.of("name", "/prod/billing/aws", "tags", "team=billing"))));
        assertThat(e).isInstanceOf(CanaryException.class).hasMessageContaining("reading back the tags")
                .hasMessageContaining("the canary was revoked");
        assertThat(aws.parameters(aws.accountId())).isEmpty();
        assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
        assertThat(store.findByAsset("service", "billing-exporter")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.status().isLive()).as(r.status().toString()).isFalse());
    }
}
