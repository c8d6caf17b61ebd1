package io.canarykit.examples.demo;

import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryStatus;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.examples.cli.CanaryMain;
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
        assertThat(text.toString()).contains("ALERT (INITIAL)", "ALERT (FOLLOW_UP)", "clean:");
    }

    @Test
    void theCommandRunsTheDemoAndExitsZero(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        int code = CanaryMain.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("demo finished: one canary tripped");
    }
}
