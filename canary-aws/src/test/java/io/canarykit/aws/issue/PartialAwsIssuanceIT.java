package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceCheck;
import io.canarykit.issue.IssuanceAttributes;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.RecoveryReport;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.ApiCall;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.IamUserView;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.PartialAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 15, findings 1, 3 and 4, each written as the failure it was, against the emulator's partial-AWS modes (the
 * stand-in for moto, which cannot be installed here): an operation answered with a bare HTTP 500, a permissions
 * boundary or tags silently ignored on {@code CreateUser}, a session policy dropped, deletes seen late.
 */
class PartialAwsIssuanceIT {
    static final String ACCOUNT = "310987654399";
    static final String ROLE = "deploy-runner";
    static MutableClock clock;
    static AwsEmulator aws;
    static IamClient iam;
    static StsClient sts;

    InMemoryCanaryStore store;
    IamUserIssuer issuer;
    AtomicIssuance coordinator;

    @BeforeAll
    static void start() {
        clock = MutableClock.at(Instant.now());
        aws = AwsEmulator.builder().account(ACCOUNT).clock(clock).start();
        iam = Emulated.iam(aws, ACCOUNT, Emulated.noRetries());
        sts = Emulated.sts(aws, ACCOUNT, Emulated.noRetries());
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
        issuer = IamUserIssuer.builder().iam(iam).sts(sts).accountId(ACCOUNT).path("/svc/").clock(clock).build();
        coordinator = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock)
                .minimumAge(Duration.ofMinutes(5)).build();
    }

    @Test
    void finding1_revocationFinishesWhenListServiceSpecificCredentialsIsAnsweredWithABare500() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-billing-ro"));
        aws.partialAws().unimplemented("iam:ListServiceSpecificCredentials", PartialAws.Unimplemented.EMPTY_500);

        CanaryRecord revoked = coordinator.revoke(r.record().id());

        assertThat(revoked.status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(aws.user(ACCOUNT, "svc-billing-ro")).isEmpty();
        // the listing was tried again before it was skipped, and DeleteUser proved nothing was left
        assertThat(aws.calls().stream().filter(c -> "ListServiceSpecificCredentials".equals(c.operation())))
                .hasSize(3).allSatisfy(c -> assertThat(c.status()).isEqualTo(500));
    }

    @Test
    void finding1_whatIsLeftBehindAnUnimplementedListingIsNamedAndTheIntentIsKept() {
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-billing-rw"));
        // an attacker added a service-specific credential, which the partial AWS cannot list
        aws.iam().createServiceSpecificCredential(b -> b.userName("svc-billing-rw").serviceName("codecommit.amazonaws.com"));
        aws.partialAws().unimplemented("iam:ListServiceSpecificCredentials", PartialAws.Unimplemented.EMPTY_500);

        CanaryException e = catchThrowableOfType(CanaryException.class, () -> coordinator.revoke(r.record().id()));

        assertThat(e.getMessage())
                .contains("DeleteUser for user svc-billing-rw was refused")
                .contains("DeleteConflict: Cannot delete entity, must delete service-specific credentials first.")
                .contains("ListServiceSpecificCredentials for user svc-billing-rw: HTTP 500 without an AWS error in the"
                        + " body (the service may not implement this call)")
                .doesNotContain("null");
        CanaryRecord kept = store.find(r.record().id()).orElseThrow();
        assertThat(kept.status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(kept.attributes()).containsKey(IssuanceAttributes.REVOCATION_REQUESTED_AT);
        // the key itself is gone: the canary can no longer be used while the user waits for a person
        assertThat(aws.user(ACCOUNT, "svc-billing-rw").orElseThrow().accessKeys()).isEmpty();

        // once AWS can list them again, the recovery pass finishes the revocation
        aws.partialAws().clear();
        clock.advance(Duration.ofMinutes(6));
        RecoveryReport report = coordinator.recover();
        assertThat(report.problems()).isEmpty();
        assertThat(report.completedRevocations()).isEqualTo(1);
        assertThat(aws.user(ACCOUNT, "svc-billing-rw")).isEmpty();
        assertThat(store.find(r.record().id()).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
    }

    @Test
    void finding1_errorsWithoutAnAwsBodyAreDescribedByStatusAndOperationNeverNull() {
        aws.partialAws().unimplemented("iam:ListSigningCertificates", PartialAws.Unimplemented.EMPTY_500);
        IamException raw = catchThrowableOfType(IamException.class,
                () -> iam.listSigningCertificates(b -> b.userName(aws.adminUserName())));

        String described = AwsErrors.describe(raw);

        assertThat(described).isEqualTo("HTTP 500 without an AWS error in the body (the service may not implement this"
                + " call)").doesNotContain("null");
        assertThat(AwsErrors.isUnsupported(raw)).isTrue();
        aws.partialAws().unimplemented("iam:ListSSHPublicKeys", PartialAws.Unimplemented.NOT_IMPLEMENTED);
        IamException notImplemented = catchThrowableOfType(IamException.class,
                () -> iam.listSSHPublicKeys(b -> b.userName(aws.adminUserName())));
        assertThat(AwsErrors.describe(notImplemented)).startsWith("NotImplemented: The ListSSHPublicKeys action has"
                + " not been implemented (HTTP 501, request ");
        assertThat(AwsErrors.isUnsupported(notImplemented)).isTrue();
    }

    @Test
    void finding3_aRefusedKeyDoesNotLeaveItsUserBehindWhenTheUndoHitsTheUnimplementedCall() {
        aws.partialAws().unimplemented("iam:ListServiceSpecificCredentials", PartialAws.Unimplemented.EMPTY_500);
        AtomicIssuance refusing = AtomicIssuance.builder().store(store).issuers(issuer).clock(clock)
                .check((canary, i, accounts) -> IssuanceCheck.Outcome.refuse("key refused by policy"))
                .build();

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> refusing.issue(Emulated.request(issuer, "svc-report-ro")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.CHECK_FAILED);
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.user(ACCOUNT, "svc-report-ro")).isEmpty();
        assertThat(aws.accessKeys()).allSatisfy(k -> assertThat(k.userName()).isEqualTo(aws.adminUserName()));
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
    }

    @Test
    void finding4_aBoundaryIgnoredOnCreateUserIsSetAgainAndReadBackBeforeTheCanaryIsActive() {
        aws.partialAws().ignoreParameter("iam:CreateUser", "PermissionsBoundary"); // what moto does

        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-deploy-9"));

        IamUserView user = aws.user(ACCOUNT, "svc-deploy-9").orElseThrow();
        assertThat(user.permissionsBoundaryArn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":policy/baseline-boundary");
        assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(aws.calls()).extracting(ApiCall::operation).containsSubsequence("CreateUser", "PutUserPolicy",
                "GetUser", "PutUserPermissionsBoundary", "GetUser", "CreateAccessKey");
    }

    @Test
    void finding4_aBoundaryAwsNeverAppliesRefusesTheCanaryAndNamesWhatIsMissing() {
        aws.partialAws().ignoreParameter("iam:CreateUser", "PermissionsBoundary")
                .unimplemented("iam:PutUserPermissionsBoundary", PartialAws.Unimplemented.NOT_IMPLEMENTED);

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(Emulated.request(issuer, "svc-deploy-10")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("NotImplemented");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.user(ACCOUNT, "svc-deploy-10")).isEmpty();
        assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        assertThat(aws.calls()).extracting(ApiCall::operation).doesNotContain("CreateAccessKey");
    }

    @Test
    void finding4_tagsIgnoredEverywhereRefuseTheCanaryAndTheUntaggedUserIsStillRemoved() {
        aws.partialAws().ignoreParameter("iam:CreateUser", "Tags").ignoreParameter("iam:TagUser", "Tags");

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(Emulated.request(issuer, "svc-audit-1")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.NOT_APPLIED);
        assertThat(e.getMessage()).contains("AWS did not apply what was asked for user svc-audit-1")
                .contains("ListUserTags lacks [").contains("ref=" + e.canaryId().value());
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.user(ACCOUNT, "svc-audit-1")).as("created by this very call, so removed without its tag")
                .isEmpty();
    }

    @Test
    void finding4_anInlinePolicyThatDoesNotReadBackAsPutRefusesTheCanary() {
        aws.partialAws().unimplemented("iam:GetUserPolicy", PartialAws.Unimplemented.NOT_IMPLEMENTED);

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(Emulated.request(issuer, "svc-audit-2")));

        assertThat(e.getMessage()).contains("reading back user svc-audit-2").contains("NotImplemented");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.user(ACCOUNT, "svc-audit-2")).isEmpty();
        assertThat(aws.calls()).extracting(ApiCall::operation).doesNotContain("CreateAccessKey");
    }

    @Test
    void finding4_theAssumeRoleIssuerRefusesARoleThatIsMissingOrLostItsDenyPolicy() {
        String issuerArn = sts.getCallerIdentity().arn();
        String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE;
        AssumeRoleIssuer roleIssuer = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn)
                .issuerArn(issuerArn).build();
        AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(roleIssuer).clock(clock).build();

        IssuanceException missing = catchThrowableOfType(IssuanceException.class,
                () -> c.issue(Emulated.request(roleIssuer, "ci-job-1")));
        assertThat(missing.reason()).isEqualTo(CanaryIssuerException.Reason.NOT_APPLIED);
        assertThat(missing.getMessage()).contains("the canary role " + roleArn + " does not exist");

        CanaryPolicySet policies = Emulated.HARDENER.harden(HardeningRequest.assumedRole(ACCOUNT, "setup", roleArn,
                issuerArn));
        CanaryRoleSetup.builder().iam(iam).accountId(ACCOUNT).roleName(ROLE).policies(policies).build().ensure();
        assertThat(c.issue(Emulated.request(roleIssuer, "ci-job-2")).record().status()).isEqualTo(CanaryStatus.ACTIVE);

        aws.iam().deleteRolePolicy(b -> b.roleName(ROLE).policyName(policies.inlinePolicyName()));
        aws.iam().deleteRolePermissionsBoundary(b -> b.roleName(ROLE));
        int sessions = aws.sessions().size();
        IssuanceException lost = catchThrowableOfType(IssuanceException.class,
                () -> c.issue(Emulated.request(roleIssuer, "ci-job-3")));

        assertThat(lost.reason()).isEqualTo(CanaryIssuerException.Reason.NOT_APPLIED);
        assertThat(lost.getMessage()).contains("GetRole shows no permissions boundary")
                .contains("GetRolePolicy finds no inline policy " + policies.inlinePolicyName());
        assertThat(aws.sessions()).as("no session was made").hasSize(sessions);
        assertThat(store.find(lost.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
    }

    @Test
    void finding4_aSessionPolicyDroppedByStsIsNeverHandedOut() {
        EmulatedCredentials fed = aws.createUserWithKey(ACCOUNT, "build-federator", Map.of("federate",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Action\":\"sts:GetFederationToken\",\"Resource\":\"*\"}]}"));
        try (StsClient fedSts = Emulated.sts(aws, fed, Emulated.noRetries())) {
            FederationTokenIssuer fedIssuer = FederationTokenIssuer.builder().sts(fedSts).accountId(ACCOUNT)
                    .issuerArn("arn:aws:iam::" + ACCOUNT + ":user/build-federator").defaultDuration(Duration.ofHours(1))
                    .build();
            AtomicIssuance c = AtomicIssuance.builder().store(store).issuers(fedIssuer).clock(clock).build();
            aws.partialAws().ignoreParameter("sts:GetFederationToken", "Policy")
                    .ignoreParameter("sts:GetFederationToken", "Tags");

            IssuanceException e = catchThrowableOfType(IssuanceException.class,
                    () -> c.issue(Emulated.request(fedIssuer, "ci-fed-1")));

            assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.NOT_APPLIED);
            assertThat(e.getMessage()).contains("without PackedPolicySize");
            assertThat(store.find(e.canaryId()).orElseThrow().status()).isEqualTo(CanaryStatus.FAILED);
        }
    }

    @Test
    void eventuallyConsistentDeletesNeitherFailARevocationNorShowUpAsOrphans() {
        aws.partialAws().eventuallyConsistentDeletes(Duration.ofMinutes(2));
        IssuanceResult r = coordinator.issue(Emulated.request(issuer, "svc-cache-1"));

        assertThat(coordinator.revoke(r.record().id()).status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(iam.getUser(b -> b.userName("svc-cache-1")).user().userName())
                .as("AWS still shows the deleted user for a while").isEqualTo("svc-cache-1");

        // a second revocation attempt, the sweep and the listing all see the stale user and leave it be
        assertThat(issuer.revoke(store.find(r.record().id()).orElseThrow()).found()).isFalse();
        assertThat(issuer.listIssued()).isEmpty();
        assertThat(coordinator.sweep().residueRemoved()).isZero();
        clock.advance(Duration.ofMinutes(3));
        assertThat(catchThrowableOfType(IamException.class, () -> iam.getUser(b -> b.userName("svc-cache-1")))
                .awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
    }
}
