package io.canarykit.aws.issue;

import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.aws.account.AccountPool;
import io.canarykit.aws.account.IssuingAccount;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.issue.IssuanceResult;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.policy.IssuerPolicies;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each issuer runs everything it does (set-up, issue with the key wait, revoke with a full teardown, list, sweep) with
 * credentials that hold only the least-privilege policy the hardener renders for it ({@link IssuerPolicies}); the
 * emulator authorises every call with the policy simulator, so a missing action or resource fails the test.
 *
 * <p>The emulator does not put {@code iam:PermissionsBoundary}, {@code aws:RequestTag/*} or {@code aws:ResourceTag/*}
 * into the context of IAM calls, so the policies' {@code Condition} blocks are dropped here; the policy module's
 * simulator tests prove the conditions against the same calls.
 */
class IssuerPermissionsIT {
    static final String ACCOUNT = "810987654321";
    static final String PATH = "/automation/";
    static AwsEmulator aws;
    static IamClient admin;

    @BeforeAll
    static void start() {
        aws = AwsEmulator.builder().account(ACCOUNT).start();
        admin = Emulated.iam(aws, ACCOUNT, Emulated.fastRetries(3));
    }

    @AfterAll
    static void stop() {
        admin.close();
        aws.close();
    }

    /** The policy without its conditions (see the class comment). */
    static String withoutConditions(String policy) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode doc = json.readTree(policy);
            for (com.fasterxml.jackson.databind.JsonNode st : doc.get("Statement")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) st).remove("Condition");
            }
            return json.writeValueAsString(doc);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A user holding only {@code policy} (as a managed policy), plus {@code extra} actions if any. */
    static EmulatedCredentials principalWith(String user, String policy, String... extra) {
        EmulatedCredentials creds = aws.createUserWithKey(ACCOUNT, user, Map.of());
        String arn = admin.createPolicy(b -> b.policyName(user + "-policy").policyDocument(policy)).policy().arn();
        admin.attachUserPolicy(b -> b.userName(user).policyArn(arn));
        if (extra.length > 0) {
            String actions = String.join("\",\"", extra);
            admin.putUserPolicy(b -> b.userName(user).policyName("extra").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"" + actions
                            + "\"],\"Resource\":\"*\"}]}"));
        }
        return creds;
    }

    @Test
    void theIamUserIssuerNeedsNothingBeyondItsPolicyAndGetAccountSummary() {
        String policy = IssuerPolicies.builder().accountId(ACCOUNT).userPath(PATH).build()
                .forKind(CredentialKind.IAM_USER).toJson();
        assertThat(policy).contains("iam:PermissionsBoundary").contains("aws:ResourceTag/managed-by");
        policy = withoutConditions(policy);
        EmulatedCredentials creds = principalWith("issuer-iam", policy, "iam:GetAccountSummary");
        try (IamClient iam = Emulated.iam(aws, creds, Emulated.noRetries());
             StsClient sts = Emulated.sts(aws, creds, Emulated.noRetries())) {
            IamUserIssuer issuer = IamUserIssuer.builder().iam(iam).sts(sts).path(PATH)
                    .waitForKey(Duration.ofSeconds(5)).waitInterval(Duration.ofMillis(50)).build();
            InMemoryCanaryStore store = InMemoryCanaryStore.create();
            AccountPool pool = AccountPool.builder().store(store).account(IssuingAccount.of(ACCOUNT, iam, issuer))
                    .build();
            AtomicIssuance coordinator = AtomicIssuance.builder().store(store).pool(pool).build();

            IssuanceResult r = coordinator.issue(CredentialKind.IAM_USER, Emulated.named("svc-perm"));
            String name = r.record().principal().name();
            admin.createLoginProfile(b -> b.userName(name).password("Sup3r-Secret-Passw0rd!"));
            admin.createGroup(b -> b.groupName("ops"));
            admin.addUserToGroup(b -> b.groupName("ops").userName(name));
            admin.uploadSSHPublicKey(b -> b.userName(name).sshPublicKeyBody(IamUserIssuerIT.SSH_KEY));
            assertThat(issuer.listIssued()).hasSize(1);
            assertThat(pool.quotas().get(0).awsUsers()).isEqualTo(aws.users(ACCOUNT).size());

            assertThat(coordinator.revoke(r.record().id()).status()).isEqualTo(CanaryStatus.REVOKED);
            assertThat(aws.user(ACCOUNT, name)).isEmpty();
            assertThat(coordinator.sweep().problems()).isEmpty();
            assertThat(aws.calls().stream().filter(c -> "AccessDenied".equals(c.errorCode()))).isEmpty();
        }
    }

    @Test
    void theAssumeRoleIssuerNeedsNothingBeyondItsPolicy() {
        String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/release-runner";
        String policy = IssuerPolicies.builder().accountId(ACCOUNT).roleArn(roleArn).build()
                .forKind(CredentialKind.ASSUMED_ROLE).toJson();
        policy = withoutConditions(policy);
        EmulatedCredentials creds = principalWith("issuer-role", policy);
        try (IamClient iam = Emulated.iam(aws, creds, Emulated.noRetries());
             StsClient sts = Emulated.sts(aws, creds, Emulated.noRetries())) {
            String issuerArn = sts.getCallerIdentity().arn();
            CanaryPolicySet rolePolicies = Emulated.HARDENER.harden(
                    HardeningRequest.assumedRole(ACCOUNT, "setup", roleArn, issuerArn));
            CanaryRoleSetup.Result setup = CanaryRoleSetup.builder().iam(iam).accountId(ACCOUNT).roleName("release-runner")
                    .policies(rolePolicies).build().ensure();
            assertThat(setup.created()).isTrue();
            assertThat(CanaryRoleSetup.builder().iam(iam).accountId(ACCOUNT).roleName("release-runner")
                    .policies(rolePolicies).build().ensure().ok()).isTrue();
            AssumeRoleIssuer issuer = AssumeRoleIssuer.builder().sts(sts).iam(iam).roleArn(roleArn)
                    .revokeOlderSessions(true).build();
            AtomicIssuance coordinator = AtomicIssuance.builder().store(InMemoryCanaryStore.create()).issuers(issuer)
                    .build();

            IssuanceResult r = coordinator.issue(Emulated.request(issuer, "release-7"));
            assertThat(coordinator.revoke(r.record().id()).status()).isEqualTo(CanaryStatus.REVOKED);
            assertThat(aws.calls().stream().filter(c -> "AccessDenied".equals(c.errorCode()))).isEmpty();
        }
    }

    @Test
    void theFederationTokenIssuerNeedsNothingBeyondItsPolicy() {
        String policy = IssuerPolicies.builder().accountId(ACCOUNT).build().forKind(CredentialKind.FEDERATION_TOKEN)
                .toJson();
        EmulatedCredentials creds = principalWith("issuer-fed", policy);
        try (StsClient sts = Emulated.sts(aws, creds, Emulated.noRetries())) {
            FederationTokenIssuer issuer = FederationTokenIssuer.builder().sts(sts).build();
            AtomicIssuance coordinator = AtomicIssuance.builder().store(InMemoryCanaryStore.create()).issuers(issuer)
                    .build();

            IssuanceResult r = coordinator.issue(Emulated.request(issuer, "fed-release-7"));
            assertThat(r.record().status()).isEqualTo(CanaryStatus.ACTIVE);
            assertThat(aws.calls().stream().filter(c -> "AccessDenied".equals(c.errorCode()))).isEmpty();
        }
    }
}
