package io.canarykit.examples.demo;

import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryStatus;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.cli.CanaryMain;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.fingerprint.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's steps, asserted: the alert's contents, the response, the follow-up and the clean reconcile. */
class DemoIT {

    @Test
    void theDemoTripsAlertsRespondsAndEndsClean(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        DemoResult r = Demo.emulated(dir, new PrintWriter(text));

        assertThat(r.ok()).as(text.toString()).isTrue();
        assertThat(r.fingerprints()).extracting(FingerprintReport::verdict).containsOnly(Verdict.CLEAN);
        assertThat(r.issued()).extracting(c -> c.kind().configName())
                .containsExactly("iam-user", "iam-user", "assume-role");

        Alert first = r.alerts().get(0);
        assertThat(first.type()).isEqualTo(AlertType.INITIAL);
        assertThat(first.canary().id()).isEqualTo(r.tripped().id());
        assertThat(first.canary().asset().ref()).isEqualTo("laptop/LT-0042");
        assertThat(first.canary().asset().labels()).containsEntry("owner", "zoe@example.com");
        assertThat(first.canary().receipt().placement()).isEqualTo("aws-credentials-file");
        assertThat(first.canary().receipt().location()).endsWith("laptop-home/.aws/credentials");
        assertThat(first.sighting().call()).isEqualTo("GetCallerIdentity");
        assertThat(first.sighting().sourceIp()).isEqualTo("203.0.113.77");
        assertThat(first.sighting().userAgent()).startsWith("aws-sdk-java/");
        assertThat(first.window().issuedAt()).isEqualTo(r.tripped().issuedAt());
        assertThat(first.window().duration()).isEqualTo(Duration.ofHours(3));
        assertThat(first.priorSightings()).isZero();
        // the first use was only GetCallerIdentity: classified as a key being verified, with the evidence
        assertThat(first.classification().kind()).isEqualTo(io.canarykit.SightingClass.SECRET_SCANNER_VERIFICATION);
        assertThat(first.classification().evidence().get(0)).contains("GetCallerIdentity");

        Alert followUp = r.alerts().get(r.alerts().size() - 1);
        assertThat(followUp.type()).isEqualTo(AlertType.FOLLOW_UP);
        assertThat(followUp.sightings()).extracting(Sighting::kind)
                .containsExactly(SightingKind.API_CALL, SightingKind.UNLOGGED_USE);
        assertThat(followUp.sightings().get(0).errorCode()).isEqualTo("AccessDenied");
        assertThat(r.alerts()).hasSize(2);

        assertThat(r.sightings()).extracting(Sighting::kind).containsExactly(SightingKind.SELF_USE,
                SightingKind.API_CALL, SightingKind.API_CALL, SightingKind.UNLOGGED_USE);
        assertThat(r.tripped().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(r.successor().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(r.successor().replaces()).isEqualTo(r.tripped().id());
        assertThat(Files.readString(dir.resolve("laptop-home/.aws/credentials")))
                .contains(r.successor().accessKeyId()).doesNotContain(r.tripped().accessKeyId());
        assertThat(r.reconcile().clean()).isTrue();
        // nothing an attacker could key on beside the planted profile (issue 15, finding 9: ~/.aws/.credentials.lock)
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("laptop-home/.aws"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("credentials", "config");
        }
        assertThat(text.toString()).contains("beside it in ~/.aws: [config, credentials]");
        assertThat(followUp.classification().kind()).isEqualTo(io.canarykit.SightingClass.API_USE);
        assertThat(text.toString()).contains("ALERT (INITIAL)", "ALERT (FOLLOW_UP)", "clean:",
                "what:      secret-scanner-verification, severity medium", "what:      api-use, severity high");
    }

    /**
     * The whole lifecycle, with every log line captured at DEBUG: no secret access key or session token of any canary
     * reaches a log line, the demo's output, the store's database files or an alert.
     */
    @Test
    void noSecretReachesALogLineTheOutputOrTheStore(@TempDir Path dir) throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        StringWriter text = new StringWriter();
        DemoResult r;
        try {
            r = Demo.emulated(dir, new PrintWriter(text));
        } finally {
            root.detachAppender(logs);
        }
        assertThat(r.ok()).isTrue();

        // the secrets, read back from where they were planted
        java.util.List<String> secrets = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("laptop-home/.aws/credentials"))) {
            if (line.startsWith("aws_secret_access_key")) {
                secrets.add(line.substring(line.indexOf('=') + 1).trim());
            }
        }
        for (String line : Files.readAllLines(dir.resolve("ci/github_env"))) {
            if (line.startsWith("LEGACY_AWS_SECRET_ACCESS_KEY=")) {
                secrets.add(line.substring(line.indexOf('=') + 1).trim());
            }
        }
        assertThat(secrets).hasSize(2).allSatisfy(s -> assertThat(s).hasSize(40));
        assertThat(logs.list).as("DEBUG logging was captured").isNotEmpty();

        StringBuilder everything = new StringBuilder(text.toString());
        for (ch.qos.logback.classic.spi.ILoggingEvent e : logs.list) {
            everything.append(e.getFormattedMessage()).append('\n');
            for (ch.qos.logback.classic.spi.IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                everything.append(t.getMessage()).append('\n');
            }
        }
        for (Alert a : r.alerts()) {
            everything.append(io.canarykit.alert.AlertJson.toJson(a)).append('\n');
        }
        java.util.List<Path> storeFiles;
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("store"))) {
            storeFiles = files.filter(Files::isRegularFile).toList();
        }
        assertThat(storeFiles).isNotEmpty();
        byte[] keyId = r.tripped().accessKeyId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(storeFiles).as("control: the scan finds what the store does keep (the access key id)")
                .anySatisfy(f -> assertThat(indexOf(Files.readAllBytes(f), keyId)).isNotEqualTo(-1));
        assertThat(everything.toString()).as("control: the captured text holds the key id").contains(r.tripped().accessKeyId());
        for (String secret : secrets) {
            assertThat(everything.toString()).doesNotContain(secret);
            byte[] needle = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (Path f : storeFiles) {
                assertThat(indexOf(Files.readAllBytes(f), needle)).as("secret in store file " + f).isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theCommandRunsTheDemoAndExitsZero(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        int code = CanaryMain.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("demo finished: one canary tripped");
    }
}
