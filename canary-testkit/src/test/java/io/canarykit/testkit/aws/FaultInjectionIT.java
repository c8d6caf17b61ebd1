package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.CloudTrailException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.ServiceFailureException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.StsException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-06-01T00:00:00Z"));

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK)).resetBeforeEach();

    @Test
    void failsTheNthCallOfAnOperationWith500() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("f1"));
        FaultRule rule = aws.faults().failNthCall("iam:CreateAccessKey", 3, FaultAction.serverError());
        iam.createAccessKey(b -> b.userName("f1"));
        iam.createAccessKey(b -> b.userName("f1"));
        assertThatThrownBy(() -> iam.createAccessKey(b -> b.userName("f1")))
                .isInstanceOfSatisfying(ServiceFailureException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceFailure");
                });
        assertThat(rule.matchedCalls()).isEqualTo(3);
        assertThat(rule.firedCount()).isEqualTo(1);
        // the fault hit before the call did anything: the quota error shows only two keys exist
        assertThat(aws.emulator().user(aws.accountId(), "f1").orElseThrow().accessKeys()).hasSize(2);
        assertThat(aws.emulator().lastCall()).get().satisfies(c -> assertThat(c.fault()).isEqualTo("serverError(500)"));
        // other operations are not counted
        iam.listUsers();
        assertThat(rule.matchedCalls()).isEqualTo(3);
    }

    @Test
    void connectionResetBeforeTheCallLeavesNothing() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("f2"));
        aws.faults().add(FaultRule.on("iam:CreateAccessKey").onCall(1).then(FaultAction.connectionReset()));
        assertThatThrownBy(() -> iam.createAccessKey(b -> b.userName("f2"))).isInstanceOf(SdkClientException.class);
        assertThat(aws.emulator().user(aws.accountId(), "f2").orElseThrow().accessKeys()).isEmpty();
        assertThat(aws.emulator().lastCall()).get().satisfies(c -> {
            assertThat(c.status()).isZero();
            assertThat(c.requestId()).isNull();
        });
        assertThat(iam.createAccessKey(b -> b.userName("f2")).accessKey()).isNotNull();
    }

    @Test
    void aFaultAfterApplyingKeepsTheChangeButLosesTheAnswer() {
        IamClient iam = aws.iam();
        iam.createUser(b -> b.userName("f3"));
        aws.faults().add(FaultRule.on("iam:CreateAccessKey").onCall(1).afterApplying().then(FaultAction.connectionReset()));
        assertThatThrownBy(() -> iam.createAccessKey(b -> b.userName("f3"))).isInstanceOf(SdkClientException.class);
        assertThat(aws.emulator().user(aws.accountId(), "f3").orElseThrow().accessKeys()).hasSize(1);
        // and CloudTrail saw the call that took effect
        assertThat(aws.emulator().trailRecords()).extracting(TrailRecord::eventName).contains("CreateAccessKey");
        aws.faults().add(FaultRule.on("iam:DeleteUser").firstCalls(1).afterApplying().then(FaultAction.serverError(503)));
        iam.deleteAccessKey(b -> b.userName("f3").accessKeyId(
                aws.emulator().user(aws.accountId(), "f3").orElseThrow().accessKeys().get(0).accessKeyId()));
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName("f3")))
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThat(aws.emulator().user(aws.accountId(), "f3")).isEmpty();
    }

    @Test
    void throttlesPerOperationAtARateOnTheEmulatorClock() {
        IamClient iam = aws.iam();
        FaultRule limit = aws.faults().throttle("iam:GetAccountSummary", 2);
        iam.getAccountSummary();
        iam.getAccountSummary();
        assertThatThrownBy(iam::getAccountSummary).isInstanceOfSatisfying(IamException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.isThrottlingException()).isTrue();
        });
        iam.listUsers(); // other operations are not limited
        CLOCK.advance(Duration.ofSeconds(1));
        iam.getAccountSummary();
        assertThat(limit.firedCount()).isEqualTo(1);
    }

    @Test
    void throttlesInEachServicesOwnShape() {
        aws.faults().failEvery("cloudtrail:*", FaultAction.throttle());
        aws.faults().failEvery("s3:*", FaultAction.throttle());
        aws.faults().failEvery("sts:*", FaultAction.throttle());
        assertThatThrownBy(() -> aws.cloudTrail().lookupEvents()).isInstanceOfSatisfying(CloudTrailException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.isThrottlingException()).isTrue();
        });
        assertThatThrownBy(() -> aws.s3().listBuckets()).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
            assertThat(e.statusCode()).isEqualTo(503);
        });
        assertThatThrownBy(() -> aws.sts().getCallerIdentity()).isInstanceOfSatisfying(StsException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling"));
    }

    @Test
    void lookupEventsCanBeLimitedToTwoRequestsPerSecond() {
        try (AwsEmulator limited = AwsEmulator.builder().clock(CLOCK).lookupEventsRateLimit(true).start()) {
            CloudTrailClient ct = limited.cloudTrail();
            ct.lookupEvents();
            ct.lookupEvents();
            assertThatThrownBy(ct::lookupEvents).isInstanceOfSatisfying(CloudTrailException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.statusCode()).isEqualTo(400);
            });
            // per account and region: another region has its own budget
            limited.client(CloudTrailClient.builder(), limited.adminCredentials(),
                    software.amazon.awssdk.regions.Region.EU_CENTRAL_1).lookupEvents();
            CLOCK.advance(Duration.ofMillis(1001));
            assertThat(ct.lookupEvents().events()).isNotNull();
        }
    }

    @Test
    void addsLatency() {
        aws.faults().latency("sts:GetCallerIdentity", Duration.ofMillis(300));
        long t0 = System.nanoTime();
        aws.sts().getCallerIdentity();
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);
        assertThat(aws.emulator().lastCall()).get().satisfies(c -> assertThat(c.fault()).isEqualTo("latency(300ms)"));
    }

    @Test
    void newKeysAreRefusedWhileTheyPropagate() {
        aws.faults().keyPropagationDelay(Duration.ofSeconds(10));
        IamClient iam = aws.iam(); // the administrator key is never delayed
        iam.createUser(b -> b.userName("fresh"));
        AccessKey k = iam.createAccessKey(b -> b.userName("fresh")).accessKey();
        EmulatedCredentials c = EmulatedCredentials.of(k.accessKeyId(), k.secretAccessKey());
        assertThatThrownBy(() -> aws.sts(c).getCallerIdentity()).isInstanceOfSatisfying(StsException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
        CLOCK.advance(Duration.ofSeconds(10));
        assertThat(aws.sts(c).getCallerIdentity().arn()).endsWith(":user/fresh");
    }

    @Test
    void propagationDelayCanBeTheEmulatorsDefault() {
        try (AwsEmulator slow = AwsEmulator.builder().clock(CLOCK).keyPropagationDelay(Duration.ofSeconds(3)).start()) {
            slow.faults().clear(); // comes back to the configured default, not zero
            EmulatedCredentials c = slow.createUserWithKey(slow.accountId(), "later", Map.of());
            assertThatThrownBy(() -> slow.sts(c).getCallerIdentity()).isInstanceOf(StsException.class);
            CLOCK.advance(Duration.ofSeconds(3));
            assertThat(slow.sts(c).getCallerIdentity().arn()).endsWith(":user/later");
        }
    }

    @Test
    void newRolesCannotBeAssumedWhileTheyPropagate() {
        aws.faults().rolePropagationDelay(Duration.ofSeconds(5));
        String roleArn = aws.iam().createRole(b -> b.roleName("fresh-role")
                .assumeRolePolicyDocument(Policies.trust("arn:aws:iam::" + aws.accountId() + ":root"))).role().arn();
        assertThatThrownBy(() -> aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        CLOCK.advance(Duration.ofSeconds(5));
        assertThat(aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")).credentials()).isNotNull();
    }

    @Test
    void customErrorsProbabilitiesAndFilters() {
        EmulatedCredentials other = aws.emulator().createUserWithKey(aws.accountId(), "filtered", Map.of("all", Policies.ALLOW_ALL));
        aws.faults().add(FaultRule.on("iam:ListUsers").forAccessKey(other.accessKeyId())
                .then(FaultAction.error(409, "ConcurrentModification", "Rate of concurrent modification exceeded")));
        assertThatThrownBy(() -> aws.iam(other).listUsers()).isInstanceOf(
                software.amazon.awssdk.services.iam.model.ConcurrentModificationException.class);
        aws.iam().listUsers(); // the administrator's key is not affected

        FaultRule coin = aws.faults().add(FaultRule.on("sts:GetCallerIdentity").withProbability(0.5, 42)
                .then(FaultAction.serverError()));
        List<Boolean> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            try {
                aws.sts().getCallerIdentity();
                outcomes.add(true);
            } catch (StsException e) {
                outcomes.add(false);
            }
        }
        assertThat(outcomes).contains(true, false);
        assertThat(coin.firedCount()).isEqualTo((int) outcomes.stream().filter(ok -> !ok).count());
        aws.faults().clear();
        assertThat(aws.faults().rules()).isEmpty();
    }

    @Test
    void clientsRetryOnlyWhenAsked() {
        try (AwsEmulator retrying = AwsEmulator.builder().clock(CLOCK).clientMaxAttempts(3).start()) {
            FaultRule twice = retrying.faults().add(FaultRule.on("sts:GetCallerIdentity").firstCalls(2)
                    .then(FaultAction.serverError()));
            assertThat(retrying.sts().getCallerIdentity().account()).isEqualTo("123456789012");
            assertThat(twice.matchedCalls()).isEqualTo(3);
            retrying.faults().add(FaultRule.on("iam:ListUsers").firstCalls(1).then(FaultAction.throttle()));
            assertThat(retrying.iam().listUsers().users()).hasSize(1);
        }
        aws.faults().add(FaultRule.on("sts:GetCallerIdentity").firstCalls(1).then(FaultAction.serverError()));
        assertThatThrownBy(() -> aws.sts().getCallerIdentity()).isInstanceOf(StsException.class);
        assertThat(aws.sts().getCallerIdentity()).isNotNull();
    }

    @Test
    void rulesAreValidated() {
        assertThatThrownBy(() -> FaultRule.on("CreateUser")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.on("iam:X").onCall(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.on("iam:X").afterApplying().then(FaultAction.latency(Duration.ofMillis(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultAction.serverError(404)).isInstanceOf(IllegalArgumentException.class);
    }
}
