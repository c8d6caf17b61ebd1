package io.canarykit.aws.issue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.SelfUse;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssuedPrincipal;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AccessKeyView;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.TrailRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IamUserIssuerIT {
    static final String ACCOUNT = "210987654321";
    static AwsEmulator aws;
    static IamClient iam;
    static StsClient sts;

    InMemoryCanaryStore store;
    IamUserIssuer issuer;
    AtomicIssuance coordinator;

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().account(ACCOUNT).start();
        iam = Emulated.iam(aws, ACCOUNT, Emulated.fastRetries(3));
        sts = Emulated.sts(aws, ACCOUNT, Emulated.fastRetries(3));
    }

    @AfterAll
    static void stop() {
        iam.close();
        sts.close();
        aws.close();
    }

    @BeforeEach
    void setUp() {
        aws.reset();
        store = InMemoryCanaryStore.create();
        issuer = IamUserIssuer.builder().iam(iam).sts(sts).accountId(ACCOUNT).path("/automation/").build();
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).build();
    }

    @Test
    void issuesAHardenedUserWithOneKey() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "ci-deploy-7f3a"));

        CanaryRecord record = r.record();
        assertThat(record.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(record.principal().arn()).isEqualTo("arn:aws:iam::210987654321:user/automation/ci-deploy-7f3a");
        IamUserView user = aws.user(ACCOUNT, "ci-deploy-7f3a").orElseThrow();
        assertThat(user.path()).isEqualTo("/automation/");
        assertThat(user.tags()).containsEntry("ref", record.id().value()).containsEntry("managed-by", "iam-automation");
        assertThat(user.permissionsBoundaryArn()).isEqualTo("arn:aws:iam::210987654321:policy/baseline-boundary");
        assertThat(user.inlinePolicies()).containsOnlyKeys("baseline");
        assertThat(user.accessKeys()).extracting(AccessKeyView::accessKeyId).containsExactly(record.accessKeyId());
        assertThat(aws.policies(ACCOUNT)).anySatisfy(p -> assertThat(p.policyName()).isEqualTo("baseline-boundary"));
        assertThat(r.fingerprint().verdict().jsonName()).isEqualTo("clean");
        assertThat(record.attributes()).containsEntry("iam.userId", user.userId());

        // the key works, and is denied everything
        EmulatedCredentials creds = EmulatedCredentials.of(r.canary().credential().accessKeyId(),
                r.canary().credential().secretAccessKey().reveal());
        try (StsClient canarySts = Emulated.sts(aws, creds, Emulated.noRetries());
             S3Client s3 = aws.configure(S3Client.builder(), creds, software.amazon.awssdk.regions.Region.US_EAST_1)
                     .build()) {
            assertThat(canarySts.getCallerIdentity().arn()).isEqualTo(record.principal().arn());
            assertThatThrownBy(s3::listBuckets).isInstanceOf(S3Exception.class)
                    .hasMessageContaining("is not authorized to perform: s3:ListAllMyBuckets with an explicit deny");
        }
    }

    @Test
    void nameRuleViolationsAreRefusedBeforeAnyAwsCall() {
        int before = aws.calls().size();

        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "x".repeat(65))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("1-64");
        assertThatThrownBy(() -> coordinator.issue(Emulated.request(issuer, "svc deploy")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("position 4");
        assertThatThrownBy(() -> issuer.issue(Emulated.request(issuer, "svc/deploy")))
                .isInstanceOf(CanaryConfigurationException.class);

        assertThat(aws.calls()).hasSize(before);
        assertThat(store.list(io.canarykit.store.CanaryQuery.all()).items()).isEmpty();
    }

    @Test
    void aTakenNameIsLeftAloneAndTheNextNameIsUsed() {
        aws.createUsers(ACCOUNT, "svc-report-", 1); // "svc-report-0" belongs to someone else

        IssuanceResult r = coordinator.issue(io.canarykit.CredentialKind.IAM_USER, Emulated.named("svc-report"));

        assertThat(r.record().principal().name()).isEqualTo("svc-report-1");
        IamUserView foreign = aws.user(ACCOUNT, "svc-report-0").orElseThrow();
        assertThat(foreign.tags()).doesNotContainKey("ref");
        assertThat(store.list(io.canarykit.store.CanaryQuery.withStatus(CanaryStatus.FAILED)).items()).hasSize(1);
    }

    @Test
    void aCreateUserRetriedAfterItTookEffectIsRecognisedAsOurs() {
        aws.faults().add(FaultRule.on("iam:CreateUser").onCall(1).afterApplying().then(FaultAction.serverError()));

        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-retry"));

        assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(aws.usersExceptAdmin(ACCOUNT)).hasSize(1);
    }

    @Test
    void aCreateAccessKeyThatMayHaveTakenEffectIsNotRetriedButUndone() {
        aws.faults().add(FaultRule.on("iam:CreateAccessKey").onCall(1).afterApplying().then(FaultAction.serverError()));

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(Emulated.request(issuer, "svc-nokey")));

        assertThat(e.cleanedUp()).isTrue();
        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.UNAVAILABLE);
        assertThat(aws.usersExceptAdmin(ACCOUNT)).isEmpty();
        assertThat(aws.accessKeys()).allSatisfy(k -> assertThat(k.userName()).isEqualTo(aws.adminUserName()));
        assertThat(aws.calls().stream().filter(c -> "CreateAccessKey".equals(c.operation()))).hasSize(1);
    }

    @Test
    void throttlingIsAbsorbedByTheAdaptiveRetryStrategy() {
        FaultRule limit = aws.faults().throttle("iam:*", 8);
        try (IamClient adaptiveIam = Emulated.iam(aws, ACCOUNT, Emulated.adaptive(10))) {
            IamUserIssuer throttled = IamUserIssuer.builder().iam(adaptiveIam).accountId(ACCOUNT).build();
            AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(throttled).build();
            List<io.canarykit.issue.IssueRequest> requests = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                requests.add(Emulated.request(throttled, "svc-load-" + i));
            }

            List<io.canarykit.issue.BulkOutcome> outcomes = c.issueAll(requests, 4);

            assertThat(outcomes).allSatisfy(o -> assertThat(o.succeeded()).as(String.valueOf(o.error())).isTrue());
            assertThat(limit.firedCount()).isPositive();
            assertThat(aws.usersExceptAdmin(ACCOUNT)).hasSize(6);
        }
    }

    @Test
    void waitsUntilTheNewKeyAuthenticatesAndRecordsThatOwnUse() {
        aws.faults().keyPropagationDelay(Duration.ofMillis(600));
        IamUserIssuer waiting = IamUserIssuer.builder().iam(iam).sts(sts).accountId(ACCOUNT)
                .waitForKey(Duration.ofSeconds(10)).waitInterval(Duration.ofMillis(100)).build();
        AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(waiting).build();

        IssuanceResult r = c.issue(Emulated.request(waiting, "svc-wait"));

        assertThat(r.record().selfUses()).hasSize(1);
        SelfUse use = r.record().selfUses().get(0);
        assertThat(use.eventName()).isEqualTo("GetCallerIdentity");
        assertThat(use.userAgent()).startsWith("canarykit-selfcheck/");
        long refused = aws.calls().stream().filter(call -> "GetCallerIdentity".equals(call.operation())
                && "InvalidClientTokenId".equals(call.errorCode())).count();
        assertThat(refused).as("attempts before the key propagated").isPositive();
        List<TrailRecord> trail = aws.trailRecordsForKey(r.record().accessKeyId());
        assertThat(trail).singleElement().satisfies(t -> {
            assertThat(t.eventName()).isEqualTo("GetCallerIdentity");
            assertThat(t.requestId()).isEqualTo(use.requestId());
            assertThat(t.json()).contains("canarykit-selfcheck/");
        });
    }

    @Test
    void aKeyThatNeverAuthenticatesIsUndone() {
        aws.faults().keyPropagationDelay(Duration.ofHours(1));
        IamUserIssuer waiting = IamUserIssuer.builder().iam(iam).sts(sts).accountId(ACCOUNT)
                .waitForKey(Duration.ofMillis(400)).waitInterval(Duration.ofMillis(100)).build();
        AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(waiting).build();

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> c.issue(Emulated.request(waiting, "svc-never")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.KEY_NOT_ACTIVE);
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.usersExceptAdmin(ACCOUNT)).isEmpty();
    }

    @Test
    void revocationRemovesEverythingAnAttackerAdded() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-attacked"));
        String name = "svc-attacked";
        // what an attacker with admin rights elsewhere might hang on the user to keep access
        iam.createAccessKey(b -> b.userName(name));
        iam.createLoginProfile(b -> b.userName(name).password("Sup3r-Secret-Passw0rd!"));
        String serial = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName("mfa-" + name)).virtualMFADevice()
                .serialNumber();
        iam.enableMFADevice(b -> b.userName(name).serialNumber(serial).authenticationCode1("123456")
                .authenticationCode2("654321"));
        iam.uploadSSHPublicKey(b -> b.userName(name).sshPublicKeyBody(SSH_KEY));
        iam.uploadSigningCertificate(b -> b.userName(name).certificateBody(CERTIFICATE));
        iam.createServiceSpecificCredential(b -> b.userName(name).serviceName("codecommit.amazonaws.com"));
        iam.createGroup(b -> b.groupName("ops"));
        iam.addUserToGroup(b -> b.groupName("ops").userName(name));
        String policyArn = iam.createPolicy(b -> b.policyName("extra").policyDocument(ALLOW_ALL)).policy().arn();
        iam.attachUserPolicy(b -> b.userName(name).policyArn(policyArn));
        iam.putUserPolicy(b -> b.userName(name).policyName("backdoor").policyDocument(ALLOW_ALL));
        IamUserView before = aws.user(ACCOUNT, name).orElseThrow();
        assertThat(before.accessKeys()).hasSize(2);
        assertThat(before.loginProfile()).isTrue();
        assertThat(before.mfaDevices() + before.sshPublicKeys() + before.signingCertificates()
                + before.serviceSpecificCredentials()).isEqualTo(4);

        CanaryRecord revoked = coordinator.revoke(r.record().id());

        assertThat(revoked.status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(aws.user(ACCOUNT, name)).isEmpty();
        assertThat(aws.accessKeys()).noneSatisfy(k -> assertThat(k.userName()).isEqualTo(name));
        assertThat(revoked.attributes().get("canarykit.revocation.removed"))
                .contains("access-key", "login-profile", "mfa-device", "ssh-public-key", "signing-certificate",
                        "service-specific-credential", "group-membership ops", "attached-policy", "inline-policy backdoor",
                        "inline-policy baseline", "user " + name);
        // keys were deactivated before they were deleted
        List<String> keyCalls = aws.calls().stream().map(c -> c.operation())
                .filter(o -> o.equals("UpdateAccessKey") || o.equals("DeleteAccessKey")).toList();
        assertThat(keyCalls).containsExactly("UpdateAccessKey", "UpdateAccessKey", "DeleteAccessKey", "DeleteAccessKey");
        // what is not the canary's stays
        assertThat(aws.policies(ACCOUNT)).anySatisfy(p -> assertThat(p.arn()).isEqualTo(policyArn));
    }

    @Test
    void revocationNeverDeletesAUserCreatedForAnotherCanary() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-mine"));
        iam.untagUser(b -> b.userName("svc-mine").tagKeys("ref"));

        CanaryRecord after = coordinator.revoke(r.record().id());

        assertThat(aws.user(ACCOUNT, "svc-mine")).isPresent();
        assertThat(after.status()).isEqualTo(CanaryStatus.REVOKED); // nothing of this canary's is left in AWS
    }

    @Test
    void listsOnlyWhatItIssued() {
        aws.createUsers(ACCOUNT, "human-", 2);
        IssuanceResult a = coordinator.issue(Emulated.request(issuer, "svc-a"));
        IssuanceResult b = coordinator.issue(Emulated.request(issuer, "svc-b"));

        List<IssuedPrincipal> issued = issuer.listIssued();

        assertThat(issued).extracting(p -> p.principal().name()).containsExactlyInAnyOrder("svc-a", "svc-b");
        assertThat(issued).extracting(IssuedPrincipal::canaryId)
                .containsExactlyInAnyOrder(a.record().id(), b.record().id());
        assertThat(issued).allSatisfy(p -> assertThat(p.accessKeyIds()).hasSize(1));
    }

    @Test
    void usersItMayNotReadAreNotItsOwn() {
        // with the least-privilege policy the issuer may read only users carrying the management tag
        iam.createUser(b -> b.userName("aaa-person").path("/automation/"));
        iam.createUser(b -> b.userName("svc-taken-0").path("/automation/"));
        IssuanceResult mine = coordinator.issue(Emulated.request(issuer, "svc-own"));
        aws.faults().add(FaultRule.on("iam:ListUserTags").onCall(1).then(FaultAction.error(403, "AccessDenied",
                "not allowed")));

        assertThat(issuer.listIssued()).extracting(p -> p.principal().name()).containsExactly("svc-own");

        aws.faults().add(FaultRule.on("iam:GetUser").onCall(1).then(FaultAction.error(403, "AccessDenied",
                "not allowed")));
        IssuanceResult next = coordinator.issue(io.canarykit.CredentialKind.IAM_USER, Emulated.named("svc-taken"));
        assertThat(next.record().principal().name()).isEqualTo("svc-taken-1");
        assertThat(aws.user(ACCOUNT, "svc-taken-0").orElseThrow().tags()).isEmpty();
        assertThat(mine.record().status()).isEqualTo(CanaryStatus.ACTIVE);
    }

    @Test
    void secretsNeverReachTheLogs() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.core.AppenderBase<ILoggingEvent> appender = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " " + e.getThrowableProxy().getMessage()));
            }
        };
        appender.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.canarykit");
        Level rootLevel = root.getLevel();
        Level ourLevel = ours.getLevel();
        root.setLevel(Level.DEBUG);
        ours.setLevel(Level.DEBUG);
        root.addAppender(appender);
        IssuanceResult r;
        try {
            aws.faults().add(FaultRule.on("iam:PutUserPolicy").onCall(2).then(FaultAction.serverError()));
            r = coordinator.issue(Emulated.request(issuer, "svc-log"));
            catchThrowableOfType(IssuanceException.class, () -> coordinator.issue(Emulated.request(issuer, "svc-log2")));
            coordinator.revoke(r.record().id());
        } finally {
            root.detachAppender(appender);
            root.setLevel(rootLevel);
            ours.setLevel(ourLevel);
        }
        String secret = r.canary().credential().secretAccessKey().reveal();
        assertThat(lines).isNotEmpty();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("canary"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(secret));
        assertThat(r.toString()).doesNotContain(secret);
        assertThat(r.canary().toString()).doesNotContain(secret);
    }

    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
            + "\"Resource\":\"*\"}]}";
    static final String SSH_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 attacker@example";
    static final String CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ2yX\n-----END CERTIFICATE-----";
}
