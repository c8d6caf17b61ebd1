package io.canarykit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.issue.IssuedCanary;
import io.canarykit.placement.PlacementRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A secret access key or session token never reaches a toString, a log line or an exception message. */
class SecretLeakTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENAQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
    }

    private static CanaryCredential credential() {
        return new CanaryCredential("ASIAY34FZKBOKMUTVV7A", Secret.of(SECRET), Secret.of(TOKEN),
                Instant.parse("2026-11-28T22:00:00Z"));
    }

    @Test
    void secretPrintsAFixedMask() {
        Secret s = Secret.of(SECRET);
        assertThat(s.toString()).isEqualTo("****");
        assertThat(String.valueOf(s)).isEqualTo("****");
        assertThat(s.reveal()).isEqualTo(SECRET);
        assertThat(s).isEqualTo(Secret.of(SECRET)).isNotEqualTo(Secret.of(TOKEN));
        assertThat(s.hashCode()).isEqualTo(Secret.of(TOKEN).hashCode());
    }

    @Test
    void valuesHoldingSecretsNeverPrintThem() {
        CanaryCredential c = credential();
        IssuedCanary issued = new IssuedCanary(c, Principal.assumedRole("609629065308", "build", "ci-1"),
                Instant.EPOCH, c.expiration(), List.of(), Map.of("roleArn", "arn:aws:iam::609629065308:role/build"));
        PlacementRequest placement = new PlacementRequest(CanaryId.generate(java.time.Clock.systemUTC()),
                Asset.of("host", "web-1"), c, Map.of("profile", "deploy"));

        for (Object o : List.of(c, issued, placement)) {
            assertThat(o.toString()).doesNotContain(SECRET).doesNotContain(TOKEN).contains("ASIAY34FZKBOKMUTVV7A");
        }
    }

    @Test
    void loggingValuesThatHoldSecretsLeaksNothing() {
        CanaryCredential c = credential();
        org.slf4j.Logger log = LoggerFactory.getLogger(SecretLeakTest.class);
        log.warn("issued {}", c);
        log.error("placing {} with secret {} and token {}", c, c.secretAccessKey(), c.sessionToken());
        log.info("failed", new CanaryException("could not place " + c));

        assertThat(appender.list).hasSize(3);
        for (ILoggingEvent e : appender.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(SECRET).doesNotContain(TOKEN);
        }
        assertThat(appender.list.get(1).getFormattedMessage()).contains("secret ****").contains("token ****");
    }

    @Test
    void exceptionMessagesNeverEchoSecrets() {
        assertThatThrownBy(() -> Secret.of("")).satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> new CanaryCredential(" ", Secret.of(SECRET), null, null))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }
}
