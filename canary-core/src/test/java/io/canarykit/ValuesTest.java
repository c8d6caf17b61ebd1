package io.canarykit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {

    @Test
    void canaryIdsAreUniqueAndSortByTime() {
        Random r = new Random(1);
        Instant t = Instant.parse("2026-11-28T10:00:00.123Z");
        CanaryId a = CanaryId.generate(t, r);
        CanaryId b = CanaryId.generate(t.plusMillis(1), r);
        assertThat(a.value()).hasSize(26);
        assertThat(a.compareTo(b)).isNegative();
        assertThat(a.timestamp()).isEqualTo(t);
        assertThat(CanaryId.parse(a.value().toLowerCase())).isEqualTo(a);

        Set<CanaryId> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(CanaryId.generate(java.time.Clock.systemUTC()));
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void invalidIdsSayWhy() {
        assertThatThrownBy(() -> CanaryId.parse("short")).hasMessageContaining("5 characters");
        assertThatThrownBy(() -> CanaryId.parse("01JDQ3Z8ZK4M6X9V2B7N5C1A0U")).hasMessageContaining("'U'");
    }

    @Test
    void principalsBuildTheirArns() {
        assertThat(Principal.iamUser("012345678901", "/ops/", "deploy-bot").arn())
                .isEqualTo("arn:aws:iam::012345678901:user/ops/deploy-bot");
        assertThat(Principal.iamUser("012345678901", null, "x").path()).isEqualTo("/");
        assertThat(Principal.assumedRole("012345678901", "build", "job-9").arn())
                .isEqualTo("arn:aws:sts::012345678901:assumed-role/build/job-9");
        assertThat(Principal.federatedUser("012345678901", "fed").arn())
                .isEqualTo("arn:aws:sts::012345678901:federated-user/fed");
        assertThatThrownBy(() -> Principal.federatedUser("12345", "x")).hasMessageContaining("exactly 12 digits");
    }

    @Test
    void validityWindowBoundsMatching() {
        Instant t0 = Instant.parse("2026-11-28T10:00:00Z");
        CanaryRecord session = CanaryRecord.builder().id(CanaryId.generate(t0, new Random(2))).status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.ASSUMED_ROLE).issuer("assume-role").principal(Principal.assumedRole("012345678901", "r", "s1"))
                .accessKeyId("ASIAY34FZKBOKMUTVV7A").asset(Asset.of("host", "h")).createdAt(t0).issuedAt(t0)
                .expiresAt(t0.plusSeconds(3600)).build();
        assertThat(session.validAt(t0.minusSeconds(1))).isFalse();
        assertThat(session.validAt(t0.plusSeconds(10))).isTrue();
        assertThat(session.validAt(t0.plusSeconds(3601))).isFalse();

        CanaryRecord revokedSession = session.toBuilder().status(CanaryStatus.REVOKED).closedAt(t0.plusSeconds(60)).build();
        assertThat(revokedSession.validAt(t0.plusSeconds(600))).as("a session outlives its record's closing").isTrue();
        assertThat(revokedSession.validUntil()).isEqualTo(t0.plusSeconds(3600));

        CanaryRecord deletedKey = session.toBuilder().kind(CredentialKind.IAM_USER).expiresAt(null)
                .status(CanaryStatus.REVOKED).closedAt(t0.plusSeconds(60)).build();
        assertThat(deletedKey.validAt(t0.plusSeconds(30))).isTrue();
        assertThat(deletedKey.validAt(t0.plusSeconds(600))).as("a deleted key is dead").isFalse();
    }

    @Test
    void credentialKindsParseTheirConfigNames() {
        assertThat(CredentialKind.fromConfigName("Assume-Role")).isEqualTo(CredentialKind.ASSUMED_ROLE);
        assertThat(CredentialKind.IAM_USER.isLongTerm()).isTrue();
        assertThatThrownBy(() -> CredentialKind.fromConfigName("root"))
                .hasMessageContaining("iam-user, assume-role, federation-token");
    }

    @Test
    void assetsValidateKind() {
        assertThatThrownBy(() -> Asset.of("Host Name", "x")).hasMessageContaining("invalid asset kind");
        assertThat(Asset.of("laptop", "LT-1").withLabel("owner", "zoe").labels()).containsEntry("owner", "zoe");
    }
}
