package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.BulkOutcome;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssueRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.RoleView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AssumeRoleIssuerIT {
    static final String ACCOUNT = "410987654321";
    static final String ROLE = "build-runner";
    static AwsEmulator aws;
    static IamClient iam;
    static StsClient sts;
    static String issuerArn;
    static String roleArn;

    InMemoryCanaryStore store;
    AssumeRoleIssuer issuer;
    AtomicIssuance coordinator;

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().account(ACCOUNT).start();
        iam = Emulated.iam(aws, ACCOUNT, Emulated.fastRetries(3));
        sts = Emulated.sts(aws, ACCOUNT, Emulated.fastRetries(3));
        issuerArn = sts.getCallerIdentity().arn();
        roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE;
    }

    @AfterAll
    static void stop() {
        iam.close();
        sts.close();
        aws.close();
    }

    static CanaryPolicySet rolePolicies() {
        return Emulated.HARDENER.harden(HardeningRequest.assumedRole(ACCOUNT, "setup", roleArn, issuerArn));
    }

    static CanaryRoleSetup setup(boolean fix) {
        return CanaryRoleSetup.builder().iam(iam).accountId(ACCOUNT).roleName(ROLE).policies(rolePolicies())
                .maxSessionDuration(Duration.ofHours(2)).fix(fix).build();
    }

    @BeforeEach
    void setUp() {
        aws.reset();
        setup(true).ensure();
        store = InMemoryCanaryStore.create();
        issuer = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn).maxSessionDuration(Duration.ofHours(2))
                .sourceIdentity("build-system").revokeOlderSessions(true).build();
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).build();
    }

    @Test
    void setUpCreatesTheHardenedRoleThenChecksAndRepairsIt() {
        RoleView role = aws.roles(ACCOUNT).stream().filter(r -> r.roleName().equals(ROLE)).findFirst().orElseThrow();
        assertThat(role.maxSessionDuration()).isEqualTo(7200);
        assertThat(role.inlinePolicies()).containsOnlyKeys("baseline");
        assertThat(role.permissionsBoundaryArn()).isEqualTo("arn:aws:iam::410987654321:policy/baseline-boundary");
        assertThat(role.trustPolicy()).contains(issuerArn);
        assertThat(role.tags()).containsEntry("managed-by", "iam-automation");

        assertThat(setup(true).ensure()).satisfies(r -> {
            assertThat(r.created()).isFalse();
            assertThat(r.changes()).isEmpty();
            assertThat(r.ok()).isTrue();
        });

        // drift: someone opens the trust policy, drops the deny-all and attaches a grant
        iam.updateAssumeRolePolicy(b -> b.roleName(ROLE).policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"));
        iam.deleteRolePolicy(b -> b.roleName(ROLE).policyName("baseline"));
        iam.putRolePolicy(b -> b.roleName(ROLE).policyName("grant").policyDocument(IamUserIssuerIT.ALLOW_ALL));

        CanaryRoleSetup.Result checked = setup(false).ensure();
        assertThat(checked.problems()).hasSize(3);
        assertThat(checked.problems()).anySatisfy(p -> assertThat(p).contains("trust policy"))
                .anySatisfy(p -> assertThat(p).contains("grant"));

        CanaryRoleSetup.Result fixed = setup(true).ensure();
        assertThat(fixed.changes()).hasSize(2);
        assertThat(fixed.problems()).singleElement().satisfies(p -> assertThat(p).contains("grant"));
        RoleView after = aws.roles(ACCOUNT).stream().filter(r -> r.roleName().equals(ROLE)).findFirst().orElseThrow();
        assertThat(after.trustPolicy()).contains(issuerArn).doesNotContain("\"*\"");
        assertThat(after.inlinePolicies()).containsKeys("baseline", "grant");
    }

    @Test
    void issuesADeniedSession() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "deploy-api-42"));

        CanaryRecord record = r.record();
        assertThat(record.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(record.kind()).isEqualTo(CredentialKind.ASSUMED_ROLE);
        assertThat(record.accessKeyId()).startsWith("ASIA");
        assertThat(record.principal().arn()).isEqualTo("arn:aws:sts::410987654321:assumed-role/build-runner/deploy-api-42");
        assertThat(record.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(55)),
                Instant.now().plus(Duration.ofMinutes(65)));
        assertThat(record.attributes()).containsEntry("sts.roleArn", roleArn)
                .containsEntry("sts.sourceIdentity", "build-system");
        assertThat(r.canary().credential().isSession()).isTrue();

        EmulatedCredentials creds = EmulatedCredentials.of(record.accessKeyId(),
                r.canary().credential().secretAccessKey().reveal(), r.canary().credential().sessionToken().reveal(),
                record.expiresAt());
        try (StsClient canary = Emulated.sts(aws, creds, Emulated.noRetries());
             S3Client s3 = aws.configure(S3Client.builder(), creds, software.amazon.awssdk.regions.Region.US_EAST_1)
                     .build()) {
            assertThat(canary.getCallerIdentity().arn()).isEqualTo(record.principal().arn());
            assertThatThrownBy(s3::listBuckets).isInstanceOf(S3Exception.class)
                    .hasMessageContaining("is not authorized to perform: s3:ListAllMyBuckets with an explicit deny");
        }
        assertThat(aws.calls().stream().filter(c -> "AssumeRole".equals(c.operation()))).hasSize(1);
    }

    @Test
    void invalidRequestsAreRefusedBeforeAnyAwsCall() {
        int before = aws.calls().size();

        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "x")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("RoleSessionName");
        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "s".repeat(65))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("2-64");
        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "deploy-long", Duration.ofHours(3))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("MaxSessionDuration");
        IssueRequest noSessionPolicy = Emulated.request(issuer, "deploy-nopolicy");
        CanaryPolicySet p = noSessionPolicy.policies();
        IssueRequest stripped = new IssueRequest(noSessionPolicy.canaryId(), noSessionPolicy.principalName(),
                new CanaryPolicySet(p.kind(), p.inlinePolicyName(), p.inlinePolicy(), p.boundaryPolicy(),
                        p.boundaryArn(), null, p.trustPolicy(), p.scpStatement()), noSessionPolicy.asset(), null, Map.of());
        assertThatThrownBy(() -> issuer.issue(stripped)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("session policy");

        assertThat(aws.calls()).hasSize(before);
        assertThat(store.list(io.canarykit.store.CanaryQuery.all()).items()).isEmpty();
    }

    @Test
    void aRoleThatDoesNotTrustTheIssuerIsRefusedAndRecordedAsFailed() {
        EmulatedCredentials stranger = aws.createUserWithKey(ACCOUNT, "stranger", Map.of("all", IamUserIssuerIT.ALLOW_ALL));
        try (StsClient strangerSts = Emulated.sts(aws, stranger, Emulated.noRetries())) {
            AssumeRoleIssuer wrong = AssumeRoleIssuer.builder().sts(strangerSts).iam(iam).roleArn(roleArn).build();
            AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(wrong).build();

            IssuanceException e = catchThrowableOfType(IssuanceException.class,
                    () -> c.issue(Emulated.request(wrong, "deploy-denied")));

            assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.REFUSED);
            assertThat(e.cleanedUp()).isTrue();
            assertThat(e.getMessage()).contains("AccessDenied");
            assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        }
    }

    @Test
    void throttlingIsAbsorbedByTheAdaptiveRetryStrategy() {
        FaultRule limit = aws.faults().throttle("sts:AssumeRole", 3);
        try (StsClient adaptive = Emulated.sts(aws, ACCOUNT, Emulated.adaptive(10))) {
            AssumeRoleIssuer throttled = AssumeRoleIssuer.builder().sts(adaptive).iam(iam).roleArn(roleArn).issuerArn(issuerArn)
                    .build();
            AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(throttled).build();
            List<IssueRequest> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                requests.add(Emulated.request(throttled, "deploy-load-" + i));
            }

            List<BulkOutcome> outcomes = c.issueAll(requests, 4);

            assertThat(outcomes).allSatisfy(o -> assertThat(o.succeeded()).as(String.valueOf(o.error())).isTrue());
            assertThat(limit.firedCount()).isPositive();
        }
    }

    @Test
    void aRoleThatHasNotPropagatedYetIsWaitedFor() {
        aws.faults().rolePropagationDelay(Duration.ofMillis(700));
        String fresh = "arn:aws:iam::" + ACCOUNT + ":role/fresh-runner";
        CanaryRoleSetup.builder().iam(iam).accountId(ACCOUNT).roleName("fresh-runner")
                .policies(Emulated.HARDENER.harden(HardeningRequest.assumedRole(ACCOUNT, "setup", fresh, issuerArn)))
                .build().ensure();
        AssumeRoleIssuer impatient = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(fresh).issuerArn(issuerArn).build();
        AssumeRoleIssuer patient = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(fresh).issuerArn(issuerArn)
                .waitForRole(Duration.ofSeconds(5)).build();

        IssuanceException refused = catchThrowableOfType(IssuanceException.class,
                () -> AtomicIssuance.builder().store(store).issuers(impatient).build()
                        .issue(Emulated.request(impatient, "deploy-early")));
        IssuanceResult r = AtomicIssuance.builder().store(store).issuers(patient).build()
                .issue(Emulated.request(patient, "deploy-later"));

        assertThat(refused.reason()).isEqualTo(CanaryIssuerException.Reason.REFUSED);
        assertThat(refused.cleanedUp()).isTrue();
        assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(aws.calls().stream().filter(c -> "AssumeRole".equals(c.operation())
                && "AccessDenied".equals(c.errorCode()))).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void revokingRecordsItAndDeniesOlderSessionsOfTheRole() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "deploy-revoked"));

        CanaryRecord revoked = coordinator.revoke(r.record().id());

        assertThat(revoked.status()).isEqualTo(CanaryStatus.REVOKED);
        RoleView role = aws.roles(ACCOUNT).stream().filter(x -> x.roleName().equals(ROLE)).findFirst().orElseThrow();
        assertThat(role.inlinePolicies()).containsKey(AssumeRoleIssuer.REVOKE_POLICY_NAME);
        assertThat(role.inlinePolicies().get(AssumeRoleIssuer.REVOKE_POLICY_NAME))
                .contains("aws:TokenIssueTime").contains("DateLessThan");
        assertThat(revoked.attributes().get("canarykit.revocation.removed")).contains("sessions of role build-runner");

        AssumeRoleIssuer quiet = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn).issuerArn(issuerArn).build();
        AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(quiet).build();
        IssuanceResult second = c.issue(Emulated.request(quiet, "deploy-plain"));
        int calls = aws.calls().size();
        assertThat(c.revoke(second.record().id()).status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(aws.calls()).hasSize(calls); // nothing to delete, nothing asked: recorded only
    }
}
