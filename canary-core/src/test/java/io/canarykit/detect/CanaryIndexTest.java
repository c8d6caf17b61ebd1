package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.SessionIssuer;
import io.canarykit.cloudtrail.UserIdentity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.canarykit.detect.Canaries.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryIndexTest {
    private static CloudTrailRecord use(String key, String arn, Instant t, SessionIssuer issuer, String type) {
        return new CloudTrailRecord("e", t, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", "1.2.3.4", "ua",
                null, null, "r", "AwsApiCall", true, "111122223333",
                new UserIdentity(type, "p", arn, "111122223333", key, null, null, issuer, null));
    }

    @Test
    void matchesAKeyOnlyWithinItsValidityWindow() {
        String key = "ASIAQRSTUVWXYZ234567";
        CanaryRecord first = Canaries.session("job-1", key, T0, Duration.ofHours(1));
        CanaryRecord second = Canaries.session("job-2", key, T0.plus(Duration.ofHours(3)), Duration.ofHours(1));
        CanaryIndex index = CanaryIndex.ofRecords(List.of(first, second), Duration.ZERO);

        assertThat(index.match(use(key, null, T0.plusSeconds(60), null, "AssumedRole")).canaryId()).isEqualTo(first.id());
        assertThat(index.match(use(key, null, T0.plus(Duration.ofMinutes(200)), null, "AssumedRole")).canaryId())
                .isEqualTo(second.id());
        assertThat(index.match(use(key, null, T0.plus(Duration.ofHours(2)), null, "AssumedRole"))).isNull();
        assertThat(index.match(use(key, null, T0.minusSeconds(1), null, "AssumedRole"))).isNull();
        assertThat(index.match(use(key, null, null, null, "AssumedRole"))).as("no time, no match").isNull();
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.accessKeyIds()).containsExactly(key);
    }

    @Test
    void skewWidensTheWindow() {
        CanaryRecord c = Canaries.session("job-1", "ASIAQRSTUVWXYZ234567", T0, Duration.ofHours(1));
        CanaryIndex index = CanaryIndex.ofRecords(List.of(c), Duration.ofMinutes(1));

        assertThat(index.match(use(c.accessKeyId(), null, T0.minusSeconds(30), null, null))).isNotNull();
        assertThat(index.match(use(c.accessKeyId(), null, T0.plus(Duration.ofMinutes(60)).plusSeconds(59), null, null))).isNotNull();
        assertThat(index.match(use(c.accessKeyId(), null, T0.minusSeconds(61), null, null))).isNull();
    }

    @Test
    void matchesByPrincipalArnAndByTheIamUserThatIssuedASession() {
        CanaryRecord user = Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0);
        CanaryIndex index = CanaryIndex.ofRecords(List.of(user), Duration.ZERO);
        Instant t = T0.plusSeconds(600);

        assertThat(index.match(use("ASIAOTHERKEY00000000", user.principal().arn(), t, null, "IAMUser")).canaryId())
                .as("a GetSessionToken credential shows the user's ARN").isEqualTo(user.id());
        SessionIssuer issuer = new SessionIssuer("IAMUser", "AIDA", user.principal().arn(), "111122223333", "ci-deploy");
        assertThat(index.match(use("ASIAOTHERKEY00000000", "arn:aws:sts::111122223333:federated-user/bob", t, issuer,
                "FederatedUser")).canaryId()).as("a GetFederationToken credential names the user as issuer")
                .isEqualTo(user.id());
        SessionIssuer role = new SessionIssuer("Role", "AROA", user.principal().arn(), "111122223333", "r");
        assertThat(index.match(use("ASIAOTHERKEY00000000", "arn:aws:sts::111122223333:assumed-role/r/s", t, role,
                "AssumedRole"))).as("only an IAM-user issuer counts").isNull();
        assertThat(index.match(use("AKIAUNKNOWN000000000", "arn:aws:iam::111122223333:user/other", t, null, "IAMUser")))
                .isNull();
    }

    @Test
    void prefersTheCanaryWhoseArnAlsoMatches() {
        String key = "ASIAQRSTUVWXYZ234567";
        CanaryRecord a = Canaries.session("job-a", key, T0, Duration.ofHours(2));
        CanaryRecord b = Canaries.session("job-b", key, T0.plusSeconds(10), Duration.ofHours(2));
        CanaryIndex index = CanaryIndex.ofRecords(List.of(a, b), Duration.ZERO);

        assertThat(index.match(use(key, a.principal().arn(), T0.plusSeconds(60), null, null)).canaryId()).isEqualTo(a.id());
        assertThat(index.match(use(key, null, T0.plusSeconds(60), null, null)).canaryId())
                .as("else the latest issued").isEqualTo(b.id());
    }

    @Test
    void aClosedCanaryIsValidUntilItWasClosed() {
        CanaryRecord c = Canaries.iamUser("ci-deploy", "AKIAQRSTUVWXYZ234567", T0).toBuilder()
                .status(io.canarykit.CanaryStatus.REVOKED).closedAt(T0.plus(Duration.ofDays(1))).build();
        CanaryKey key = CanaryKey.of(c);

        assertThat(key.validUntil()).isEqualTo(T0.plus(Duration.ofDays(1)));
        assertThat(key.validAt(T0.plus(Duration.ofHours(23)), Duration.ZERO)).isTrue();
        assertThat(key.validAt(T0.plus(Duration.ofHours(25)), Duration.ZERO)).isFalse();
        assertThatThrownBy(() -> new CanaryKey(c.id(), null, null, T0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
