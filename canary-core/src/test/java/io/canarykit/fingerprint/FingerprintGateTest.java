package io.canarykit.fingerprint;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintGateTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String ORG = "609629065308";
    private final SplittableRandom random = new SplittableRandom(11);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FingerprintGate.class);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private FingerprintTarget canary(String account, String name) {
        CanaryCredential c = CanaryCredential.longTerm(KeyIds.generate("AKIA", account, random), Secret.of(SECRET));
        return FingerprintTarget.of(c, Principal.iamUser(account, "/", name), CredentialKind.IAM_USER);
    }

    @Test
    void refuseThrowsWithTheFindingsAndNoSecret() {
        FingerprintGate gate = FingerprintGate.builder().build();
        assertThatThrownBy(() -> gate.admit(canary("171436882533", "ci-deploy"), null))
                .isInstanceOfSatisfying(FingerprintedCanaryException.class, e -> {
                    assertThat(e.report().verdict()).isEqualTo(Verdict.FINGERPRINTED);
                    assertThat(e.getMessage()).contains("known-canary-account", "171436882533")
                            .doesNotContain("wJalr");
                });
        assertThat(gate.admit(canary(ORG, "ci-deploy"), null).verdict()).isEqualTo(Verdict.CLEAN);
    }

    @Test
    void thresholdSuspiciousRefusesSuspiciousCanaries() {
        FingerprintGate gate = FingerprintGate.builder().threshold(Verdict.SUSPICIOUS)
                .organisationAccounts(java.util.List.of(ORG)).build();
        assertThatThrownBy(() -> gate.admit(canary("123456789012", "ci-deploy"), null))
                .isInstanceOf(FingerprintedCanaryException.class).hasMessageContaining("account-not-in-organisation");
        assertThat(gate.admit(canary(ORG, "ci-deploy"), null).verdict()).isEqualTo(Verdict.CLEAN);
        // the default threshold lets suspicious ones through
        FingerprintGate lenient = FingerprintGate.builder().organisationAccounts(java.util.List.of(ORG)).build();
        assertThat(lenient.admit(canary("123456789012", "ci-deploy"), null).verdict()).isEqualTo(Verdict.SUSPICIOUS);
    }

    @Test
    void warnLogsAndReturns() {
        FingerprintGate gate = FingerprintGate.builder().mode(FingerprintMode.WARN).build();
        FingerprintReport r = gate.admit(canary(ORG, "honeypot"), null);
        assertThat(r.verdict()).isEqualTo(Verdict.FINGERPRINTED);
        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("fingerprinted", "honey").doesNotContain("wJalr");
        });
    }

    @Test
    void offChecksNothing() {
        FingerprintGate gate = FingerprintGate.builder().mode(FingerprintMode.OFF).build();
        assertThat(gate.admit(canary("171436882533", "canary"), null)).isNull();
    }

    @Test
    void fromConfig(@TempDir Path dir) throws IOException {
        Path known = dir.resolve("known.txt");
        Files.writeString(known, "123456789012 our lab\n");
        Path org = dir.resolve("org.txt");
        Files.writeString(org, "# ours\n" + ORG + "\n");
        FingerprintGate gate = FingerprintGate.fromConfig(CanaryConfig.of(Map.of(
                "fingerprint.mode", "refuse",
                "fingerprint.threshold", "suspicious",
                "fingerprint.organisation-accounts-file", org.toString(),
                "fingerprint.known-accounts-file", known.toString())));
        assertThat(gate.mode()).isEqualTo(FingerprintMode.REFUSE);
        assertThatThrownBy(() -> gate.admit(canary("123456789012", "ci-deploy"), null))
                .hasMessageContaining("our lab");
        assertThatThrownBy(() -> gate.admit(canary("052310077262", "ci-deploy"), null))
                .hasMessageContaining("Thinkst");
        assertThat(gate.admit(canary(ORG, "ci-deploy"), null).verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(FingerprintGate.fromConfig(CanaryConfig.empty()).mode()).isEqualTo(FingerprintMode.REFUSE);
    }

    @Test
    void badConfigurationIsClear() {
        assertThatThrownBy(() -> FingerprintGate.fromConfig(CanaryConfig.of(Map.of("fingerprint.mode", "loud"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("off, warn or refuse");
        assertThatThrownBy(() -> FingerprintGate.fromConfig(CanaryConfig.of(Map.of("fingerprint.threshold", "clean"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("suspicious or fingerprinted");
        assertThatThrownBy(() -> FingerprintGate.fromConfig(CanaryConfig.of(
                Map.of("fingerprint.organisation-accounts", "60962906530"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12 digits");
        assertThatThrownBy(() -> FingerprintGate.builder().threshold(Verdict.CLEAN))
                .isInstanceOf(CanaryConfigurationException.class);
    }
}
