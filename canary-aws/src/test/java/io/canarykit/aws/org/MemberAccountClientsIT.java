package io.canarykit.aws.org;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.aws.account.MemberAccountClients;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;
import io.canarykit.testkit.aws.SessionView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.time.Instant;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One role assumed per member account, with the real SDK clients against the emulator. */
class MemberAccountClientsIT {
    final MutableClock clock = MutableClock.at(Instant.now().minus(Duration.ofHours(2)));
    AwsEmulator aws;
    StsClient central;
    MemberAccountClients members;

    @BeforeEach
    void start() {
        aws = OrgEmulator.start(clock, null);
        central = OrgEmulator.centralSts(aws);
        members = MemberAccountClients.builder().sts(central).roleName(ROLE).endpoint(aws.endpoint()).clock(clock).build();
        clock.set(Instant.now()); // the roles were made two hours ago
    }

    @AfterEach
    void stop() {
        members.close();
        central.close();
        aws.close();
    }

    long sessionsIn(String account) {
        return aws.sessions().stream().filter(s -> s.accountId().equals(account) && s.kind().equals("AssumedRole")).count();
    }

    @Test
    void eachAccountIsReachedThroughItsOwnRoleAndNothingIsAssumedBeforeFirstUse() {
        assertThat(members.iam(PROD_A)).isSameAs(members.iam(PROD_A));
        assertThat(sessionsIn(PROD_A)).isZero();
        assertThat(members.accountsInUse()).isZero();

        assertThat(members.sts(PROD_A).getCallerIdentity().arn())
                .isEqualTo("arn:aws:sts::" + PROD_A + ":assumed-role/" + ROLE + "/canarykit");
        assertThat(members.sts(DEV).getCallerIdentity().account()).isEqualTo(DEV);
        members.iam(PROD_A).createUser(b -> b.userName("made-in-a"));
        assertThat(aws.user(PROD_A, "made-in-a")).isPresent();
        assertThat(aws.user(DEV, "made-in-a")).isEmpty();
        for (int i = 0; i < 5; i++) {
            members.iam(PROD_A).getAccountSummary();
            members.cloudTrail(PROD_A, "eu-west-1").lookupEvents(b -> b.maxResults(1));
        }
        assertThat(sessionsIn(PROD_A)).as("one session serves every client of the account").isEqualTo(1);
        assertThat(sessionsIn(DEV)).isEqualTo(1);
        assertThat(sessionsIn(PROD_B)).isZero();
        assertThat(members.accountsInUse()).isEqualTo(2);
    }

    @Test
    void aSessionIsReplacedBeforeItExpiresAndNotBefore() {
        members.iam(PROD_A).getAccountSummary();
        clock.advance(Duration.ofMinutes(54)); // 6 minutes left: more than refresh-before (5m)
        members.iam(PROD_A).getAccountSummary();
        assertThat(sessionsIn(PROD_A)).as("a session with time left is kept").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // 4m59s left
        members.iam(PROD_A).getAccountSummary();
        assertThat(sessionsIn(PROD_A)).as("a session about to expire is replaced before the call").isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            members.iam(PROD_A).getAccountSummary();
        }
        assertThat(sessionsIn(PROD_A)).as("the new session is kept").isEqualTo(2);
        assertThat(aws.sessions()).filteredOn(s -> s.accountId().equals(PROD_A))
                .extracting(SessionView::principalArn).allMatch(a -> a.endsWith("/" + ROLE + "/canarykit"));
    }

    @Test
    void aRoleThatDoesNotTrustTheCallerIsRefusedAndSaysSo() {
        try (MemberAccountClients wrong = MemberAccountClients.builder().sts(central).roleName("not-there")
                .endpoint(aws.endpoint()).build()) {
            assertThatThrownBy(() -> wrong.iam(PROD_A).getAccountSummary())
                    .hasMessageContaining("AssumeRole").hasMessageContaining("not-there");
        }
        try (MemberAccountClients member = MemberAccountClients.builder().sts(central).roleName(ROLE)
                .externalId("expected-by-nobody").endpoint(aws.endpoint()).build()) {
            assertThat(member.sts(PROD_B).getCallerIdentity().account()).isEqualTo(PROD_B);
        }
    }

    @Test
    void badSettingsAreRefusedAtBuildTime() {
        assertThatThrownBy(() -> MemberAccountClients.builder().sts(central).build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("role-name");
        assertThatThrownBy(() -> MemberAccountClients.builder().sts(central).roleName("bad name"))
                .isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> MemberAccountClients.builder().sts(central).roleName(ROLE)
                .sessionDuration(Duration.ofMinutes(15)).refreshBefore(Duration.ofMinutes(20)).build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("refresh-before");
        assertThatThrownBy(() -> members.iam("12345")).isInstanceOf(CanaryConfigurationException.class);
        members.close();
        assertThatThrownBy(() -> members.iam(PROD_A)).isInstanceOf(IllegalStateException.class);
    }
}
