package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enrollment tokens and device credentials, attacked directly (no HTTP). */
class DeviceTokenAuthenticatorTest {
    private static final Secret KEY = Secret.of("enrollment-key-0123456789abcdef0123456789");
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-05-01T10:00:00Z"));
    private final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    private final DeviceTokenAuthenticator auth = DeviceTokenAuthenticator.builder().enrollmentKey(KEY).clock(clock)
            .replayGuard(StoreReplayGuard.create(store, clock)).store(store).build();

    private AuthenticationRequest request(String path, String... authorization) {
        return new AuthenticationRequest("POST", path, null, Map.of("authorization", List.of(authorization)),
                InetAddress.getLoopbackAddress(), List.of(), clock.instant());
    }

    private String token(String device) {
        return DeviceTokenAuthenticator.enrollmentToken(KEY, device, clock.instant().plus(Duration.ofDays(1)));
    }

    @Test
    void aTokenEnrolsItsOwnDeviceOnceAndOnlyOnTheEnrollmentPath() {
        String t = token("C02XK0AAJGH5");

        assertThat(auth.authenticate(request(DeviceApi.CANARY, "CANARY-ENROLL " + t)))
                .isEqualTo(Authentication.refused("an enrollment token is good for POST /v1/devices/enroll only"));
        Authentication first = auth.authenticate(request(DeviceApi.ENROLL, "CANARY-ENROLL " + t));
        assertThat(first).isInstanceOfSatisfying(Authentication.Accepted.class, a -> {
            assertThat(a.identity().name()).isEqualTo("device:C02XK0AAJGH5");
            assertThat(a.identity().scheme()).isEqualTo(DeviceTokenAuthenticator.ENROLL_SCHEME);
            assertThat(a.identity().claims()).containsEntry(DeviceApi.CLAIM_DEVICE, "C02XK0AAJGH5");
            assertThat(a.identity().permissions().profiles()).isEmpty();
            assertThat(a.identity().permissions().assetKinds()).isEmpty();
        });
        assertThat(auth.authenticate(request(DeviceApi.ENROLL, "CANARY-ENROLL " + t)))
                .isInstanceOfSatisfying(Authentication.Refused.class, r -> assertThat(r.reason()).contains("used already"));
    }

    @Test
    void forgedRenamedAndExpiredTokensAreRefused() {
        String t = token("C02XK0AAJGH5");
        String renamed = t.replace("C02XK0AAJGH5", "C02XK0AAJGH6");
        String forged = DeviceTokenAuthenticator.enrollmentToken(Secret.of("another-key-0123456789abcdef0123456789"),
                "C02XK0AAJGH5", clock.instant().plus(Duration.ofDays(1)));
        String later = t.replaceFirst("\\.([0-9]+)\\.", "." + clock.instant().plus(Duration.ofDays(365)).getEpochSecond() + ".");
        for (String bad : List.of(renamed, forged, later, t + "x", t.substring(1), "")) {
            assertThat(auth.authenticate(request(DeviceApi.ENROLL, "CANARY-ENROLL " + bad)))
                    .as(bad).isInstanceOf(Authentication.Refused.class);
        }
        clock.advance(Duration.ofDays(2));
        assertThat(auth.authenticate(request(DeviceApi.ENROLL, "CANARY-ENROLL " + t)))
                .isInstanceOfSatisfying(Authentication.Refused.class, r -> assertThat(r.reason()).contains("expired"));
        assertThat(auth.authenticate(request(DeviceApi.ENROLL, "CANARY-ENROLL " + t, "CANARY-ENROLL " + t)))
                .isInstanceOf(Authentication.Refused.class);
    }

    @Test
    void aDeviceCredentialIsCheckedAgainstItsDigestAndDiesWithRetirement() {
        DeviceRegistry registry = new DeviceRegistry(store, clock);
        String secret = "QalDBhho7fOGUqQQb8ntkKgINQgwfxEQuIFcTbyIc60";
        registry.setCredential("SN1", Hashes.sha256(secret.getBytes(StandardCharsets.US_ASCII)));

        assertThat(auth.authenticate(request(DeviceApi.CANARY, "CANARY-DEVICE SN1:" + secret)))
                .isInstanceOf(Authentication.Accepted.class);
        assertThat(store.entry(DeviceRegistry.KEY + "SN1").orElseThrow().value()).doesNotContain(secret);
        for (String bad : List.of("SN2:" + secret, "SN1:" + secret.replace('Q', 'R'), "SN1:" + secret + "\u0000",
                "SN1 " + secret, "SN1:")) {
            assertThat(auth.authenticate(request(DeviceApi.CANARY, "CANARY-DEVICE " + bad)))
                    .as(bad).isInstanceOf(Authentication.Refused.class);
        }
        assertThat(auth.authenticate(request(DeviceApi.CANARY, "Bearer abc"))).isEqualTo(Authentication.notApplicable());

        registry.retire("SN1");
        assertThat(auth.authenticate(request(DeviceApi.CANARY, "CANARY-DEVICE SN1:" + secret)))
                .isInstanceOf(Authentication.Refused.class);
    }

    @Test
    void configurationMistakesAreNamed() {
        assertThatThrownBy(() -> DeviceTokenAuthenticator.builder().enrollmentKey(Secret.of("short")))
                .hasMessageContaining("at least 32 characters").hasMessageNotContaining("short");
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.devices.aws-profile",
                "default")))).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("never 'default'");
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.devices.aws-profil",
                "x")))).hasMessageContaining("unknown configuration key canary.api.devices.aws-profil");
        assertThatThrownBy(() -> DeviceSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.devices.max-age", "30d"))))
                .hasMessageContaining("aws-profile is required");
        assertThat(DeviceSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.devices.aws-profile", "billing-ro",
                "canary.api.devices.kind", "assume-role", "canary.api.devices.revoke-stale", "true"))))
                .satisfies(d -> {
                    assertThat(d.kind()).isEqualTo(io.canarykit.CredentialKind.ASSUMED_ROLE);
                    assertThat(d.revokeStale()).isTrue();
                    assertThat(d.assetKind()).isEqualTo("laptop");
                });
        assertThatThrownBy(() -> TlsSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.tls.client-auth", "need"))))
                .hasMessageContaining("key-store is required");
        assertThatThrownBy(() -> TlsSettings.fromConfig(CanaryConfig.of(Map.of("canary.api.tls.keystore", "x"))))
                .hasMessageContaining("unknown configuration key canary.api.tls.keystore");
        assertThat(TlsSettings.fromConfig(CanaryConfig.of(Map.of()))).isNull();
    }
}
