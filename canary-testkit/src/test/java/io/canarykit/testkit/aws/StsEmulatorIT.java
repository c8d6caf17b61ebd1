package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.GetFederationTokenResponse;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StsEmulatorIT {
    static final MutableClock CLOCK = MutableClock.at(Instant.parse("2026-03-14T09:00:00Z"));

    @RegisterExtension
    static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.clock(CLOCK)).resetBeforeEach();

    private static EmulatedCredentials of(Credentials c) {
        return EmulatedCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration());
    }

    private String account() {
        return aws.accountId();
    }

    @Test
    void getCallerIdentityWorksForEveryPrincipalEvenUnderExplicitDeny() {
        EmulatedCredentials user = aws.emulator().createUserWithKey(account(), "denied", Map.of("deny", Policies.DENY_ALL));
        GetCallerIdentityResponse id = aws.sts(user).getCallerIdentity();
        assertThat(id.account()).isEqualTo(account());
        assertThat(id.arn()).isEqualTo("arn:aws:iam::" + account() + ":user/denied");
        assertThat(id.userId()).startsWith("AIDA");
        assertThat(aws.emulator().trailRecordsForKey(user.accessKeyId()))
                .singleElement().satisfies(r -> {
                    assertThat(r.eventName()).isEqualTo("GetCallerIdentity");
                    assertThat(r.errorCode()).isNull();
                    assertThat(r.readOnly()).isTrue();
                });
    }

    @Test
    void assumeRoleChecksTheTrustPolicyAndIssuesASession() {
        IamClient iam = aws.iam();
        String adminArn = "arn:aws:iam::" + account() + ":user/issuer";
        String roleArn = iam.createRole(b -> b.roleName("canary-readonly").path("/canary/")
                .assumeRolePolicyDocument(Policies.trust(adminArn)).maxSessionDuration(7200)).role().arn();
        iam.putRolePolicy(b -> b.roleName("canary-readonly").policyName("deny").policyDocument(Policies.DENY_ALL));

        AssumeRoleResponse r = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("canary-session")
                .durationSeconds(7200).sourceIdentity("alice").tags(Tag.builder().key("asset").value("host-1").build()));
        Credentials c = r.credentials();
        assertThat(c.accessKeyId()).startsWith("ASIA").hasSize(20);
        assertThat(Policies.decodeAccount(c.accessKeyId())).isEqualTo(account());
        assertThat(c.secretAccessKey()).hasSize(40);
        assertThat(c.sessionToken()).isNotBlank();
        assertThat(c.expiration()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(2)));
        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::" + account() + ":assumed-role/canary-readonly/canary-session");
        assertThat(r.assumedRoleUser().assumedRoleId()).startsWith("AROA").endsWith(":canary-session");
        assertThat(r.sourceIdentity()).isEqualTo("alice");

        EmulatedCredentials session = of(c);
        assertThat(aws.sts(session).getCallerIdentity().arn()).isEqualTo(r.assumedRoleUser().arn());
        assertThatThrownBy(() -> aws.iam(session).listUsers())
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("User: " + r.assumedRoleUser().arn() + " is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"
                                + account() + ":user/ with an explicit deny in an identity-based policy"));
    }

    @Test
    void assumeRoleIsRefusedWhenTheTrustPolicyDoesNotNameTheCaller() {
        EmulatedCredentials other = aws.emulator().createUserWithKey(account(), "other", Map.of("all", Policies.ALLOW_ALL));
        String roleArn = aws.emulator().createRole(account(), "only-issuer",
                Policies.trust("arn:aws:iam::" + account() + ":user/issuer"), Map.of());
        assertThatThrownBy(() -> aws.sts(other).assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + account()
                            + ":user/other is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
                });
        // a trust policy naming the account delegates to the caller's identity policy
        String accountRole = aws.emulator().createRole(account(), "account-trust",
                Policies.trust("arn:aws:iam::" + account() + ":root"), Map.of());
        assertThat(aws.sts(other).assumeRole(b -> b.roleArn(accountRole).roleSessionName("s2")).credentials()).isNotNull();
        EmulatedCredentials noPerms = aws.emulator().createUserWithKey(account(), "no-perms", Map.of());
        assertThatThrownBy(() -> aws.sts(noPerms).assumeRole(b -> b.roleArn(accountRole).roleSessionName("s3")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .endsWith("because no identity-based policy allows the sts:AssumeRole action"));
        assertThatThrownBy(() -> aws.sts().assumeRole(b -> b.roleArn("arn:aws:iam::" + account() + ":role/missing")
                .roleSessionName("s4"))).isInstanceOfSatisfying(StsException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void assumeRoleValidatesSessionNameDurationAndSessionPolicy() {
        String roleArn = aws.emulator().createRole(account(), "r", Policies.trust("arn:aws:iam::" + account() + ":root"), Map.of());
        StsClient sts = aws.sts();
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("x")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("has space")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("s").durationSeconds(899)))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("session").durationSeconds(7200)))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("session")
                .policy(IamEmulatorIT.bigPolicy(2100)))).isInstanceOf(StsException.class);
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("session")
                .policy(IamEmulatorIT.bigPolicy(2040)).tags(Tag.builder().key("a").value("b").build())))
                .isInstanceOf(PackedPolicyTooLargeException.class);
        assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("session").sourceIdentity("aws:x")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    }

    @Test
    @SuppressWarnings("deprecation") // packedPolicySize is deprecated in the SDK but still sent by STS
    void sessionPolicyRestrictsTheRoleAndRoleChainingIsCappedAtOneHour() {
        String roleArn = aws.emulator().createRole(account(), "wide", Policies.trust("arn:aws:iam::" + account() + ":root"),
                Map.of("all", Policies.ALLOW_ALL));
        AssumeRoleResponse r = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("narrow")
                .policy(Policies.allow("sts:AssumeRole")));
        assertThat(r.packedPolicySize()).isPositive();
        EmulatedCredentials session = of(r.credentials());
        assertThatThrownBy(() -> aws.iam(session).listUsers())
                .isInstanceOfSatisfying(IamException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .endsWith("because no session policy allows the iam:ListUsers action"));
        assertThatThrownBy(() -> aws.sts(session).assumeRole(b -> b.roleArn(roleArn).roleSessionName("chain").durationSeconds(3601)))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
        assertThat(aws.sts(session).assumeRole(b -> b.roleArn(roleArn).roleSessionName("chain")).assumedRoleUser().arn())
                .endsWith(":assumed-role/wide/chain");
    }

    @Test
    void federationTokenNeedsLongTermKeysAndHasNoPermissionsWithoutPolicy() {
        EmulatedCredentials user = aws.emulator().createUserWithKey(account(), "fed-issuer", Map.of("all", Policies.ALLOW_ALL));
        GetFederationTokenResponse f = aws.sts(user).getFederationToken(b -> b.name("build-bot"));
        assertThat(f.federatedUser().arn()).isEqualTo("arn:aws:sts::" + account() + ":federated-user/build-bot");
        assertThat(f.federatedUser().federatedUserId()).isEqualTo(account() + ":build-bot");
        assertThat(f.credentials().expiration()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(12)));
        EmulatedCredentials fed = of(f.credentials());
        assertThat(aws.sts(fed).getCallerIdentity().arn()).isEqualTo(f.federatedUser().arn());
        assertThatThrownBy(() -> aws.sts(fed).getSessionToken())
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot call GetSessionToken with session credentials"));
        assertThatThrownBy(() -> aws.sts(fed).getFederationToken(b -> b.name("again")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Cannot call GetFederationToken with session credentials"));
        assertThatThrownBy(() -> aws.sts(user).getFederationToken(b -> b.name("x")))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThatThrownBy(() -> aws.sts(user).getFederationToken(b -> b.name("a".repeat(33))))
                .isInstanceOfSatisfying(StsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        assertThat(aws.sts(user).getFederationToken(b -> b.name("b".repeat(32)).durationSeconds(129600))
                .credentials().expiration()).isEqualTo(CLOCK.instant().plus(Duration.ofHours(36)));
        assertThatThrownBy(() -> aws.sts(user).getFederationToken(b -> b.name("toolong").durationSeconds(129601)))
                .isInstanceOf(StsException.class);
        // the federated user's CloudTrail identity names its issuing IAM user
        assertThat(aws.emulator().trailRecordsForKey(fed.accessKeyId())).first().satisfies(r -> {
            assertThat(r.userIdentityType()).isEqualTo("FederatedUser");
            assertThat(r.json()).contains("\"sessionIssuer\":{\"type\":\"IAMUser\"").contains("user/fed-issuer");
        });
    }

    @Test
    void getAccessKeyInfoNamesTheAccountOfAnyKey() {
        EmulatedCredentials user = aws.emulator().createUserWithKey(account(), "info", Map.of("all", Policies.ALLOW_ALL));
        assertThat(aws.sts(user).getAccessKeyInfo(b -> b.accessKeyId(aws.adminCredentials().accessKeyId())).account())
                .isEqualTo(account());
        // a key the emulator never issued still decodes offline
        String foreign = io.canarykit.fingerprint.KeyIds.generate("AKIA", "534261010715", new java.util.Random(1));
        assertThat(aws.sts(user).getAccessKeyInfo(b -> b.accessKeyId(foreign)).account()).isEqualTo("534261010715");
    }

    @Test
    void sessionTokenCredentialsActAsTheUserAndExpire() {
        EmulatedCredentials user = aws.emulator().createUserWithKey(account(), "st-user", Map.of());
        Credentials c = aws.sts(user).getSessionToken(b -> b.durationSeconds(900)).credentials();
        EmulatedCredentials session = of(c);
        assertThat(aws.sts(session).getCallerIdentity().arn()).isEqualTo("arn:aws:iam::" + account() + ":user/st-user");
        CLOCK.advance(Duration.ofSeconds(901));
        assertThatThrownBy(() -> aws.sts(session).getCallerIdentity())
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }
}
