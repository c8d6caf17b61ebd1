package io.canarykit.alert.email;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Classification;
import io.canarykit.CredentialKind;
import io.canarykit.DetectionWindow;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.Sighting;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.AlertSink;
import io.canarykit.alert.AlertSinkProvider;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The email sink against GreenMail's SMTP server on loopback: the mail a responder gets (subject, Message-ID from the
 * alert id, the facts and the JSON), SMTP authentication, STARTTLS required (nothing is sent in the clear to a server
 * that does not offer it), a server down then up (the identical mail from the spool), and the password nowhere.
 */
class EmailAlertSinkIT {
    private static final String PASSWORD = "smtp-pass-8f2e";
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path spool;

    private final List<Duration> sleeps = new ArrayList<>();
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void setUp() {
        mail.setUser("canary@example.com", "canary", PASSWORD);
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.canarykit")).addAppender(logs);
    }

    @AfterEach
    void passwordNowhere() {
        ((Logger) LoggerFactory.getLogger("io.canarykit")).detachAppender(logs);
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD));
    }

    static Alert alert(SightingClass kind) {
        CanaryRecord c = CanaryRecord.builder().id(CanaryId.generate(T0, new Random(3))).status(CanaryStatus.TRIGGERED)
                .kind(CredentialKind.IAM_USER).issuer("iam-user").principal(Principal.iamUser("111122223333", "/", "ci-deploy"))
                .accessKeyId("AKIAQRSTUVWXYZ234567").asset(new Asset("laptop", "LT-1", Map.of("team", "finance")))
                .createdAt(T0).issuedAt(T0).build();
        Sighting s = Sighting.builder().source("cloudtrail-s3").sourceEventId("e-" + kind.configName()).time(T0.plusSeconds(3600))
                .kind(SightingKind.API_CALL).service("iam.amazonaws.com").call("ListUsers").region("us-east-1")
                .sourceIp("203.0.113.9").userAgent("aws-cli/2\r\nBcc: victim@example.com").errorCode("AccessDenied")
                .accessKeyId(c.accessKeyId()).principalArn(c.principal().arn()).canaryId(c.id()).build();
        Classification cls = Classification.of(kind, "evidence for " + kind.configName());
        return new Alert(AlertType.INITIAL, c, s, List.of(s), new DetectionWindow(T0, s.time()), 0, T0.plusSeconds(3700),
                cls, List.of(cls));
    }

    private EmailAlertSink.Builder sink() {
        return EmailAlertSink.builder().host("127.0.0.1").port(mail.getSmtp().getPort()).tls(EmailAlertSink.Tls.NONE)
                .credentials("canary", Secret.of(PASSWORD)).from("canary@example.com").to("soc@example.com")
                .maxAttempts(2).sleeper(sleeps::add).timeout(Duration.ofSeconds(5));
    }

    @Test
    void theResponderGetsOneReadableMailPerAlert() throws Exception {
        Alert a = alert(SightingClass.ENUMERATION);
        sink().linkTemplate("https://console.example.com/c/{canary}").build().send(a);

        MimeMessage[] got = mail.getReceivedMessages();
        assertThat(got).hasSize(1);
        MimeMessage m = got[0];
        assertThat(m.getSubject()).isEqualTo("Canary triggered: enumeration on laptop/LT-1 (critical)");
        assertThat(m.getMessageID()).isEqualTo("<" + AlertJson.alertId(a) + "@canarykit>");
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("soc@example.com");
        String body = (String) m.getContent();
        assertThat(body).contains("Planted in: laptop/LT-1 [team=finance]").contains("203.0.113.9")
                .contains("https://console.example.com/c/" + a.canary().id().value()).contains("\"alertId\"");
        assertThat(m.getHeader("Bcc")).as("attacker text cannot add headers").isNull();
    }

    @Test
    void starttlsIsRequiredNothingGoesOutInTheClear() {
        EmailAlertSink tlsOnly = EmailAlertSink.builder().host("127.0.0.1").port(mail.getSmtp().getPort())
                .from("canary@example.com").to("soc@example.com").maxAttempts(2).sleeper(sleeps::add)
                .timeout(Duration.ofSeconds(5)).spoolDirectory(spool).build();

        tlsOnly.send(alert(SightingClass.API_USE));

        assertThat(mail.getReceivedMessages()).as("GreenMail offers no STARTTLS: nothing sent").isEmpty();
        assertThat(tlsOnly.flush()).as("kept in the spool, not lost").isEqualTo(1);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("STARTTLS"));
        assertThatThrownBy(() -> EmailAlertSink.builder().host("smtp.example.com").tls(EmailAlertSink.Tls.NONE)
                .from("a@example.com").to("b@example.com").build()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("starttls");
    }

    @Test
    void aServerThatIsDownThenUpGetsTheIdenticalMailFromTheSpool() throws Exception {
        EmailAlertSink wrongPort = sink().port(1).spoolDirectory(spool).build();
        Alert a = alert(SightingClass.SECRET_SCANNER_VERIFICATION);
        wrongPort.send(a);
        assertThat(wrongPort.flush()).isEqualTo(1);

        EmailAlertSink up = sink().spoolDirectory(spool).build(); // the server is back (same spool)
        assertThat(up.flush()).isZero();
        assertThat(mail.getReceivedMessages()).singleElement().satisfies(m -> {
            assertThat(m.getMessageID()).isEqualTo("<" + AlertJson.alertId(a) + "@canarykit>");
            assertThat(m.getSubject()).contains("secret-scanner-verification");
        });
    }

    @Test
    void aWrongPasswordIsReportedWithoutThePasswordAndTheProviderReadsItsKeys() {
        EmailAlertSink wrong = EmailAlertSink.builder().host("127.0.0.1").port(mail.getSmtp().getPort())
                .tls(EmailAlertSink.Tls.NONE).credentials("canary", Secret.of("not-" + PASSWORD))
                .from("canary@example.com").to("soc@example.com").maxAttempts(1).build();
        assertThatThrownBy(() -> wrong.send(alert(SightingClass.API_USE))).hasMessageContaining("authentication failed")
                .hasMessageNotContaining(PASSWORD);
        assertThat(mail.getReceivedMessages()).isEmpty();

        CanaryConfig config = CanaryConfig.of(Map.of("canary.alert.email.host", "127.0.0.1",
                "canary.alert.email.port", Integer.toString(mail.getSmtp().getPort()), "canary.alert.email.tls", "none",
                "canary.alert.email.username", "canary", "canary.alert.email.password", PASSWORD,
                "canary.alert.email.from", "canary@example.com", "canary.alert.email.to", "soc@example.com,oncall@example.com"));
        AlertSink viaProvider = ProviderRegistry.load(AlertSinkProvider.class).create("email", config);
        viaProvider.send(alert(SightingClass.API_USE));
        assertThat(mail.getReceivedMessages()).hasSize(2); // one per recipient
        assertThat(viaProvider.toString()).doesNotContain(PASSWORD);
        assertThat(config.toString()).doesNotContain(PASSWORD);
    }
}
