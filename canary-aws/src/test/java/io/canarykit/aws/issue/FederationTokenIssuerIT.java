package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssueRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FederationTokenIssuerIT {
    static final String ACCOUNT = "510987654321";
    static AwsEmulator aws;
    static StsClient fedSts;

    InMemoryCanaryStore store;
    FederationTokenIssuer issuer;
    AtomicIssuance coordinator;

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().account(ACCOUNT).start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @BeforeEach
    void setUp() {
        aws.reset();
        EmulatedCredentials fed = aws.createUserWithKey(ACCOUNT, "release-bot", Map.of("federate",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:GetFederationToken\","
                        + "\"Resource\":\"*\"}]}"));
        fedSts = Emulated.sts(aws, fed, Emulated.fastRetries(3));
        store = InMemoryCanaryStore.create();
        issuer = FederationTokenIssuer.builder().sts(fedSts).build(); // account and issuer looked up
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).build();
    }

    @Test
    void issuesADeniedFederationToken() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "release-2024-11", Duration.ofHours(30)));

        CanaryRecord record = r.record();
        assertThat(record.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(record.kind()).isEqualTo(CredentialKind.FEDERATION_TOKEN);
        assertThat(record.accountId()).isEqualTo(ACCOUNT);
        assertThat(record.principal().arn()).isEqualTo("arn:aws:sts::510987654321:federated-user/release-2024-11");
        assertThat(record.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(29)));
        assertThat(record.attributes()).containsEntry("sts.issuerArn", "arn:aws:iam::510987654321:user/release-bot");
        EmulatedCredentials creds = EmulatedCredentials.of(record.accessKeyId(),
                r.canary().credential().secretAccessKey().reveal(), r.canary().credential().sessionToken().reveal(),
                record.expiresAt());
        try (StsClient canary = Emulated.sts(aws, creds, Emulated.noRetries())) {
            assertThat(canary.getCallerIdentity().arn()).isEqualTo(record.principal().arn());
        }
        assertThat(coordinator.revoke(record.id()).status()).isEqualTo(CanaryStatus.REVOKED);
    }

    @Test
    void invalidRequestsAreRefusedBeforeAnyAwsCall() {
        int before = aws.calls().size();

        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "n".repeat(33))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("2-32");
        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "r")))
                .isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> issuer.issue(Emulated.request(issuer, "release-long", Duration.ofHours(37))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("36 hours");
        IssueRequest base = Emulated.request(issuer, "release-nopolicy");
        CanaryPolicySet p = base.policies();
        IssueRequest noPolicy = new IssueRequest(base.canaryId(), base.principalName(),
                new CanaryPolicySet(p.kind(), p.inlinePolicyName(), p.inlinePolicy(), null, null, " ", null, null),
                base.asset(), null, Map.of());
        assertThatThrownBy(() -> issuer.issue(noPolicy)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("without a session policy");

        assertThat(aws.calls()).hasSize(before);
    }

    @Test
    void aFailedCallLeavesAFailedRecordAndNothingToClean() {
        aws.faults().add(FaultRule.on("sts:GetFederationToken").onCall(1, 2, 3).then(FaultAction.serverError()));

        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "release-fail")))
                .isInstanceOf(io.canarykit.issue.IssuanceException.class)
                .satisfies(e -> assertThat(((io.canarykit.issue.IssuanceException) e).cleanedUp()).isTrue());
        assertThat(store.list(io.canarykit.store.CanaryQuery.withStatus(CanaryStatus.FAILED)).items()).hasSize(1);
    }
}
