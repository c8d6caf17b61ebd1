package io.canarykit.aws.account;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.aws.issue.Emulated;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.CanaryIssuerException;
import io.canarykit.issue.IssuanceException;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.issue.IssueRequest;
import io.canarykit.issue.QuotaExhaustedException;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.FaultAction;
import io.canarykit.testkit.aws.FaultRule;
import io.canarykit.testkit.aws.IamQuotas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AccountPoolIT {
    static final String A = "610987654321";
    static final String B = "710987654321";

    AwsEmulator aws;
    final List<IamClient> clients = new ArrayList<>();
    final InMemoryCanaryStore store = InMemoryCanaryStore.create();

    @AfterEach
    void stop() {
        clients.forEach(IamClient::close);
        if (aws != null) {
            aws.close();
        }
    }

    IamClient iam(String account) {
        IamClient c = Emulated.iam(aws, account, Emulated.fastRetries(3));
        clients.add(c);
        return c;
    }

    IssuingAccount account(String id) {
        IamClient iam = iam(id);
        return IssuingAccount.of(id, iam, IamUserIssuer.builder().iam(iam).accountId(id).build());
    }

    @Test
    void picksTheAccountWithHeadroomAndFailsClearlyWhenAllAreFull() {
        aws = AwsEmulator.builder().accounts(A, B).quotas(IamQuotas.aws().withUsersPerAccount(6)).start();
        aws.createUsers(A, "person-", 3); // A: admin + 3 people = 4 of 6; B: admin = 1 of 6
        AccountPool pool = AccountPool.builder().store(store).account(account(A)).account(account(B)).build();
        AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();

        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            accounts.add(coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-" + i)).record().accountId());
        }
        assertThat(accounts.get(0)).isEqualTo(B);
        assertThat(accounts).filteredOn(B::equals).hasSize(5);
        assertThat(accounts).filteredOn(A::equals).hasSize(2);

        int calls = aws.calls().size();
        QuotaExhaustedException e = catchThrowableOfType(QuotaExhaustedException.class,
                () -> coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-full")));
        assertThat(e.getMessage()).contains("every account").contains(A).contains(B).contains("add an issuing account");
        assertThat(e.accounts()).hasSize(2).allSatisfy(line -> assertThat(line).contains("6 of 6 IAM users"));
        assertThat(aws.calls().stream().skip(calls)).noneSatisfy(c -> assertThat(c.operation()).isEqualTo("CreateUser"));
        assertThat(pool.quotas()).allSatisfy(q -> {
            assertThat(q.headroom()).isZero();
            assertThat(q.accessKeysPerUserQuota()).isEqualTo(2);
        });
    }

    @Test
    void whenAwsSaysFullTheNextAccountIsTried() {
        aws = AwsEmulator.builder().accounts(A, B).quotas(IamQuotas.aws().withUsersPerAccount(4)).start();
        AccountPool pool = AccountPool.builder().store(store).account(account(A)).account(account(B))
                .summaryTtl(Duration.ofHours(1)).build();
        AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();
        assertThat(pool.quotas()).extracting(AccountQuota::headroom).containsExactly(3L, 3L);
        aws.createUsers(A, "late-", 3); // behind the pool's back: A is now full, the cached summary says otherwise
        aws.createUsers(B, "late-", 1);

        IssuanceResult r = coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-x"));

        assertThat(r.record().accountId()).isEqualTo(B);
        assertThat(store.list(CanaryQuery.withStatus(CanaryStatus.FAILED)).items()).singleElement()
                .satisfies(f -> assertThat(f.accountId()).isEqualTo(A));
        assertThat(pool.quotas().get(0).full()).isTrue();
    }

    @Test
    void anAccountCapLeavesRoomForRealUsers() {
        aws = AwsEmulator.builder().account(A).start();
        IamClient iam = iam(A);
        AccountPool pool = AccountPool.builder().store(store).account(new IssuingAccount(A, iam,
                List.of(IamUserIssuer.builder().iam(iam).accountId(A).build()), 2)).build();
        AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();

        coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-1"));
        coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-2"));

        assertThat(catchThrowableOfType(QuotaExhaustedException.class,
                () -> coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-3"))).getMessage())
                .contains("cap 2");
    }

    @Test
    void aSummaryThatCannotBeReadFallsBackToTheStore() {
        aws = AwsEmulator.builder().account(A).start();
        aws.faults().add(FaultRule.on("iam:GetAccountSummary").always().then(FaultAction.error(403, "AccessDenied",
                "not allowed")));
        AccountPool pool = AccountPool.builder().store(store).account(account(A)).build();

        assertThat(pool.quotas()).singleElement().satisfies(q -> {
            assertThat(q.awsUsers()).isEqualTo(-1);
            assertThat(q.headroom()).isEqualTo(5000);
        });
    }

    @Test
    void aKeyFromAKnownCanaryVendorsAccountIsRefusedAndUndone() {
        String thinkst = "052310077262";
        aws = AwsEmulator.builder().account(thinkst).start();
        AccountPool pool = AccountPool.builder().store(store).account(account(thinkst)).build();
        AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();

        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-vendor")));

        assertThat(e.reason()).isEqualTo(CanaryIssuerException.Reason.CHECK_FAILED);
        assertThat(e.getMessage()).contains("known canary vendor");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.usersExceptAdmin(thinkst)).isEmpty();
    }

    @Test
    void aKeyFromAnAccountOutsideThePoolIsRefusedAndUndone() {
        aws = AwsEmulator.builder().accounts(A, B).start();
        IamClient iamOfB = iam(B);
        // misconfigured: the issuer says A, its credentials are B's
        IamUserIssuer misplaced = IamUserIssuer.builder().iam(iamOfB).accountId(A).build();
        AccountPool pool = AccountPool.builder().store(store).account(IssuingAccount.of(A, iam(A), misplaced)).build();
        AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();

        CanaryPolicySet noBoundary = new CanaryPolicySet(CredentialKind.IAM_USER, "baseline",
                DenyAllPolicyHardener.denyAllDocument().toJson(), null, null, null, null, null);
        IssuanceException e = catchThrowableOfType(IssuanceException.class,
                () -> coordinator.issue(new IssueRequest(CanaryId.generate(Clock.systemUTC()), "svc-stray", noBoundary,
                        Asset.of("host", "h"), null, Map.of())));

        assertThat(e.getMessage()).contains(B).contains("not in the pool");
        assertThat(e.cleanedUp()).isTrue();
        assertThat(aws.usersExceptAdmin(B)).isEmpty();
    }
}
