package io.canarykit.aws.account;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.IssuerPool;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The account an asset's canary comes from: the rule first, headroom when the rule names nothing usable. */
class AccountRuleTest {
    static final String A = "111100000001";
    static final String B = "111100000002";
    static final String C = "111100000003";
    final InMemoryCanaryStore store = InMemoryCanaryStore.create();

    /** An IAM client that must never be called (quotas come from the store and the caps here). */
    static IamClient unused() {
        return (IamClient) Proxy.newProxyInstance(IamClient.class.getClassLoader(), new Class<?>[]{IamClient.class},
                (p, m, a) -> {
                    throw new AssertionError("IAM was called: " + m.getName());
                });
    }

    AccountPool pool(AccountRule rule, Integer cap) {
        AccountPool.Builder b = AccountPool.builder().store(store).accountRule(rule);
        for (String id : new String[]{A, B, C}) {
            b.account(new IssuingAccount(id, null, java.util.List.of(IamUserIssuer.builder().iam(unused()).accountId(id)
                    .build()), cap));
        }
        return b.build();
    }

    void live(String account, int n) {
        Random r = new Random(n);
        for (int i = 0; i < n; i++) {
            store.create(CanaryRecord.builder().id(CanaryId.generate(Instant.now(), r)).status(CanaryStatus.ACTIVE)
                    .kind(CredentialKind.IAM_USER).issuer("iam-user")
                    .principal(Principal.iamUser(account, "/", "u" + account + i)).accessKeyId("AKIA" + account + i)
                    .asset(Asset.of("host", "h" + i)).createdAt(Instant.now()).issuedAt(Instant.now()).build());
        }
    }

    String reserve(IssuerPool pool, Asset asset) {
        try (IssuerPool.Reservation r = pool.reserve(CredentialKind.IAM_USER, asset, Set.of())) {
            return r.issuer().accountId();
        }
    }

    @Test
    void theAssetsOwnAccountWinsOverHeadroom() {
        live(A, 3);
        live(C, 1);
        AccountPool pool = pool(AccountRule.label("aws-account"), 10);
        assertThat(reserve(pool, Asset.of("host", "web").withLabel("aws-account", A))).isEqualTo(A);
        assertThat(reserve(pool, Asset.of("host", "web"))).as("no label: most headroom").isEqualTo(B);
        assertThat(reserve(pool, null)).isEqualTo(B);
    }

    @Test
    void aRuleNamingAnAccountOutsideThePoolOrAFullOneFallsBackToHeadroom() {
        live(A, 10);
        live(B, 2);
        AccountPool pool = pool(AccountRule.firstOf(java.util.List.of(
                AccountRule.mapped("workload", Map.of("payments", A, "elsewhere", "999999999999")),
                AccountRule.label("aws-account"))), 10);
        assertThat(reserve(pool, Asset.of("host", "p").withLabel("workload", "payments"))).as("A is full").isEqualTo(C);
        assertThat(reserve(pool, Asset.of("host", "e").withLabel("workload", "elsewhere"))).isEqualTo(C);
        assertThat(reserve(pool, Asset.of("host", "x").withLabel("aws-account", "not-an-account"))).isEqualTo(C);
        assertThat(reserve(pool, Asset.of("host", "b").withLabel("workload", "other").withLabel("aws-account", B)))
                .isEqualTo(B);
        // an excluded account (AWS said it is full) is not used even when the rule names it
        try (IssuerPool.Reservation r = pool.reserve(CredentialKind.IAM_USER,
                Asset.of("host", "b").withLabel("aws-account", B), Set.of(B))) {
            assertThat(r.issuer().accountId()).isEqualTo(C);
        }
    }

    @Test
    void badMappingsAreRefused() {
        assertThatThrownBy(() -> AccountRule.mapped("workload", Map.of("payments", "12345")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12345");
        assertThat(AccountRule.none().accountFor(Asset.of("host", "x").withLabel("aws-account", A))).isEmpty();
    }
}
