package io.canarykit.placement;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryCredential;
import io.canarykit.MutableClock;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.endpoint.ContainerCredentialsPlacement;
import io.canarykit.placement.endpoint.ImdsPlacement;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.file.CredentialProcessPlacement;
import io.canarykit.placement.file.EnvFilePlacement;
import io.canarykit.placement.file.KubernetesSecretPlacement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No secret access key, session token or authorization token reaches a receipt, a log line (at any level, DEBUG
 * included) or an exception message, through every placement's success and failure paths.
 */
class PlacementSecretLeakTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger placementLogger = (Logger) LoggerFactory.getLogger("io.canarykit.placement");
    private Level oldLevel;
    private final List<String> secrets = new ArrayList<>(List.of(SECRET_1, TOKEN_1, SECRET_2, TOKEN_2));
    private final List<Placement> closing = new ArrayList<>();

    @TempDir
    Path home;

    @BeforeEach
    void capture() {
        oldLevel = placementLogger.getLevel();
        placementLogger.setLevel(Level.DEBUG);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        placementLogger.setLevel(oldLevel);
        closing.forEach(Placement::close);
    }

    @Test
    void receiptsLogsAndErrorsOfEveryPlacementHoldNoSecret() throws Exception {
        List<PlacementReceipt> receipts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        PlacementEnvironment env = environment(home);

        AwsCredentialsFilePlacement files = AwsCredentialsFilePlacement.builder().environment(env).build();
        PlacementReceipt a = files.place(request(session1(), "profile", "ops"));
        receipts.add(a);
        receipts.add(files.replace(a, request(session2(), "profile", "ops")));
        errors.add(catchThrowable(() -> files.place(request(session1(), "profile", "ops"))));
        // a credentials file whose unparseable line is a secret
        write(home.resolve("bad/credentials"), ("[x]\n" + SECRET_1 + "\n").getBytes(StandardCharsets.UTF_8));
        errors.add(catchThrowable(() -> files.place(request(session1(), "profile", "y",
                "credentials-file", home.resolve("bad/credentials").toString(), "config", "false"))));
        Path ro = home.resolve("ro/credentials");
        write(ro, "[x]\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--------"));
        errors.add(catchThrowable(() -> files.place(request(session1(), "profile", "y", "credentials-file", ro.toString(),
                "config", "false"))));
        // a secret that cannot be written
        CanaryCredential odd = new CanaryCredential("ASIAY34FZKBOKMUTVV7Z", Secret.of(SECRET_1 + " #x"), null, null);
        secrets.add(SECRET_1 + " #x");
        errors.add(catchThrowable(() -> files.place(request(odd, "profile", "z"))));

        EnvFilePlacement envFile = EnvFilePlacement.builder().environment(env).build();
        receipts.add(envFile.place(request(session1(), "path", home.resolve(".env").toString())));
        errors.add(catchThrowable(() -> envFile.place(request(session2(), "path", home.resolve(".env").toString()))));

        CredentialProcessPlacement process = CredentialProcessPlacement.builder().environment(env).build();
        receipts.add(process.place(request(session1(), "path", home.resolve("p.json").toString(), "profile", "vault")));

        KubernetesSecretPlacement k8s = KubernetesSecretPlacement.builder().environment(env).build();
        receipts.add(k8s.place(request(session1(), "path", home.resolve("s.yaml").toString(), "name", "aws")));

        MutableClock clock = new MutableClock(EXPIRY.minus(Duration.ofMinutes(1)));
        ImdsPlacement imds = ImdsPlacement.builder().clock(clock).refresher(req -> {
            throw new IllegalStateException("issuer failed for " + SECRET_2 + " " + TOKEN_2);
        }).build();
        closing.add(imds);
        receipts.add(imds.place(request(session1(), "role", "r")));
        imds.refreshDue();
        errors.add(catchThrowable(() -> imds.place(request(session2(), "role", "other"))));

        ContainerCredentialsPlacement container = ContainerCredentialsPlacement.builder().environment(env).build();
        closing.add(container);
        PlacementReceipt c = container.place(request(session1(), "token-file", home.resolve("token").toString()));
        receipts.add(c);
        secrets.add(container.authorizationToken(c).reveal());

        for (PlacementReceipt r : receipts) {
            String all = r.toString() + r.details() + r.location();
            for (String s : secrets) {
                assertThat(all).doesNotContain(s);
            }
        }
        assertThat(errors).doesNotContainNull();
        for (Throwable t : errors) {
            for (Throwable x = t; x != null; x = x.getCause()) {
                for (String s : secrets) {
                    assertThat(String.valueOf(x.getMessage())).doesNotContain(s);
                    assertThat(x.toString()).doesNotContain(s);
                }
            }
        }
        assertThat(appender.list).isNotEmpty();
        for (ILoggingEvent e : appender.list) {
            String line = e.getFormattedMessage() + throwableText(e.getThrowableProxy());
            for (String s : secrets) {
                assertThat(line).doesNotContain(s);
            }
        }
        // the failing refresher was reported, without its message
        assertThat(appender.list).anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("refreshing canary"));
        for (Placement p : List.<Placement>of(files, envFile, process, k8s, imds, container)) {
            for (String s : secrets) {
                assertThat(p.toString()).doesNotContain(s);
            }
        }
    }

    private static String throwableText(IThrowableProxy p) {
        StringBuilder sb = new StringBuilder();
        for (IThrowableProxy t = p; t != null; t = t.getCause()) {
            sb.append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }
}
