package io.canarykit.aws.org;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.Asset;
import io.canarykit.CanaryException;
import io.canarykit.CanaryService;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.config.CanaryConfig;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** No secret of the central principal or of a canary reaches a log line or an error, across the organisation pool. */
class OrganizationSecretsIT {

    @Test
    void theOrganisationPoolLogsAndThrowsNoSecret() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.canarykit");
        Level previous = ours.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        ours.setLevel(Level.DEBUG);
        try (AwsEmulator aws = OrgEmulator.start(Clock.systemUTC(), null)) {
            EmulatedCredentials central = aws.adminCredentials(MANAGEMENT);
            String centralSecret = central.secretAccessKey().reveal();
            Map<String, String> p = new HashMap<>();
            p.put("canary.pool", "organization");
            p.put("canary.pool.organization.discover", "true");
            p.put("canary.pool.organization.ou-paths", "/Workloads/Prod");
            p.put("canary.pool.organization.role-name", ROLE);
            p.put("canary.pool.organization.endpoint", aws.endpoint().toString());
            p.put("canary.pool.organization.access-key-id", central.accessKeyId());
            p.put("canary.pool.organization.secret-access-key", centralSecret);
            p.put("canary.alert.sinks", "logging");
            String canarySecret;
            String canaryKey;
            try (CanaryService service = CanaryService.fromConfig(CanaryConfig.of(p))) {
                IssueOutcome o = service.issue(Asset.of("host", "web-1"), PlacementSpec.returnToCaller());
                canarySecret = o.returnedCredential().orElseThrow().secretAccessKey().reveal();
                canaryKey = o.record().accessKeyId();
                assertThat(service.issuance().pool().toString()).doesNotContain(centralSecret);
            }
            // a member account that cannot discover: the error names the cause, never the credentials
            EmulatedCredentials member = aws.adminCredentials(PROD_A);
            p.put("canary.pool.organization.access-key-id", member.accessKeyId());
            p.put("canary.pool.organization.secret-access-key", member.secretAccessKey().reveal());
            Throwable t = catchThrowable(() -> CanaryService.fromConfig(CanaryConfig.of(p)).close());
            assertThat(t).isInstanceOf(CanaryException.class).hasMessageContaining("AccessDeniedException");
            assertThat(t.getMessage()).doesNotContain(member.secretAccessKey().reveal());

            String logs = appender.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null
                    ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))).collect(Collectors.joining("\n"));
            assertThat(logs).as("positive control: the pool logged its work").contains("assumed arn:aws:iam::");
            assertThat(logs).doesNotContain(centralSecret).doesNotContain(canarySecret)
                    .doesNotContain(member.secretAccessKey().reveal());
            assertThat(canaryKey).isNotBlank();
        } finally {
            root.detachAppender(appender);
            ours.setLevel(previous);
        }
    }
}
