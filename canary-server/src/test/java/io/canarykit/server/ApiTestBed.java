package io.canarykit.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryService;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.file.CredentialProcessPlacement;
import io.canarykit.placement.file.EnvFilePlacement;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import org.slf4j.LoggerFactory;

/** One AWS emulator for a test class, and services on top of it. */
final class ApiTestBed implements AutoCloseable {
    final AwsEmulator aws = AwsEmulator.start();

    /** A service issuing IAM-user canaries into the emulator, with the file placements the attacks aim at. */
    CanaryService service(CanaryStore store) {
        IamUserIssuer issuer = IamUserIssuer.builder().iam(aws.iam()).sts(aws.sts()).accountId(aws.accountId()).build();
        return CanaryService.builder().store(store)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create())
                .placement(EnvFilePlacement.builder().build())
                .placement(CredentialProcessPlacement.builder().build())
                .placement(AwsCredentialsFilePlacement.create())
                .build();
    }

    /** IAM users the canaries made (the emulator's admin excluded). */
    int users() {
        return aws.usersExceptAdmin(aws.accountId()).size();
    }

    /** Captures every log event of the JVM until closed. */
    static final class Logs implements AutoCloseable {
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        Logs() {
            appender.start();
            root.addAppender(appender);
        }

        /** A copy of the events captured so far (taken under the appender's lock). */
        java.util.List<ILoggingEvent> events() {
            synchronized (appender) {
                return new java.util.ArrayList<>(appender.list);
            }
        }

        /** Every captured line, formatted, with its throwable's messages. */
        String text() {
            StringBuilder b = new StringBuilder();
            for (ILoggingEvent e : events()) {
                b.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
                for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                }
                b.append('\n');
            }
            return b.toString();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
        }
    }

    @Override
    public void close() {
        aws.close();
    }
}
