package io.canarykit.server;

import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.aws.detect.CloudTrailS3Detector;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.DetectionSummary;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "done when": a fleet of 50 simulated devices (home directories, half with a crowded credentials file,
 * half fresh; half under dash, half under bash) enrolls, refreshes twice (once unchanged, once rotated by the server)
 * and uninstalls, with 50 live canaries throughout and 0 after, every original file byte-identical after uninstall,
 * and one alert naming the right device when one device's canary is used.
 */
class EndpointFleetIT {
    private static final int DEVICES = 50;
    private static final int PARALLEL = 4;

    @Test
    void fiftyDevicesEnrolRefreshRotateAndUninstall() throws Exception {
        try (EndpointFixture f = new EndpointFixture()) {
            List<EndpointFixture.Device> fleet = new ArrayList<>();
            Map<String, byte[]> originals = new HashMap<>();
            for (int i = 0; i < DEVICES; i++) {
                EndpointFixture.Device d = f.device(String.format("SN-F%03d", i));
                if (i % 2 == 0) {
                    byte[] crowded = (new String(EndpointScriptIT.CROWDED, StandardCharsets.UTF_8)
                            + (i % 4 == 0 ? "\r\n" : "") + "\r\n# device " + d.serial).getBytes(StandardCharsets.UTF_8);
                    d.credentials(crowded);
                    originals.put(d.serial, crowded);
                }
                fleet.add(d);
            }
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
            try {
                // enrol and plant
                double[] c0 = cpu();
                long t0 = System.nanoTime();
                Map<String, EndpointFixture.Run> enrolled = each(pool, fleet, d -> d.run(shell(d),
                        Map.of("CANARY_ENROLLMENT_TOKEN", f.enrollmentToken(d.serial))));
                assertAll(enrolled, "planted canary=");
                assertThat(f.live()).hasSize(DEVICES);
                Map<String, CanaryId> first = liveByDevice(f);
                assertThat(first).hasSize(DEVICES);
                phase("enrol", c0, t0);
                c0 = cpu();
                t0 = System.nanoTime();

                // refresh: nothing to do
                assertAll(each(pool, fleet, d -> d.run(shell(d), Map.of())), "unchanged canary=");
                assertThat(liveByDevice(f)).isEqualTo(first);
                phase("unchanged", c0, t0);
                c0 = cpu();
                t0 = System.nanoTime();

                // refresh after the maximum age: every device rotates, still one live canary each
                f.clock.advance(Duration.ofDays(31));
                assertAll(each(pool, fleet, d -> d.run(shell(d), Map.of())), "rotated canary=");
                Map<String, CanaryId> second = liveByDevice(f);
                assertThat(f.live()).hasSize(DEVICES);
                assertThat(second).hasSize(DEVICES).allSatisfy((serial, id) -> assertThat(id).isNotEqualTo(first.get(serial)));
                phase("rotate", c0, t0);

                // an attacker on device 17 uses what it finds: one alert, naming that device
                EndpointFixture.Device victim = fleet.get(17);
                List<Alert> alerts = new ArrayList<>();
                DetectionEngine engine = DetectionEngine.builder().store(f.store).clock(f.clock).alertSink(alerts::add)
                        .detectors(List.of(CloudTrailS3Detector.builder().s3Client(f.aws.s3())
                                .bucket(f.aws.trailBucket()).build())).build();
                try (StsClient sts = f.aws.configure(StsClient.builder(), f.aws.adminCredentials(), Region.US_EAST_1)
                        .credentialsProvider(ProfileCredentialsProvider.builder().profileName(EndpointFixture.PROFILE)
                                .profileFile(ProfileFile.builder().content(victim.credentials())
                                        .type(ProfileFile.Type.CREDENTIALS).build()).build()).build()) {
                    sts.getCallerIdentity();
                }
                f.clock.advance(Duration.ofMinutes(5));
                f.aws.deliverNow();
                DetectionSummary summary = engine.runOnce();
                assertThat(summary.failures()).isEmpty();
                assertThat(alerts).singleElement().satisfies(a -> {
                    assertThat(a.type()).isEqualTo(AlertType.INITIAL);
                    assertThat(a.canary().id()).isEqualTo(second.get(victim.serial));
                    assertThat(a.canary().asset().ref()).isEqualTo("laptop/" + victim.serial);
                    assertThat(a.canary().asset().labels()).containsEntry("serial", victim.serial);
                });

                // uninstall: nothing live, every file as it was
                c0 = cpu();
                t0 = System.nanoTime();
                assertAll(each(pool, fleet, d -> d.run(shell(d), Map.of(), "--uninstall")), "uninstall canary=");
                assertThat(f.live()).isEmpty();
                phase("uninstall", c0, t0);
                for (EndpointFixture.Device d : fleet) {
                    if (originals.containsKey(d.serial)) {
                        assertThat(Files.readAllBytes(d.credentials())).as(d.serial).isEqualTo(originals.get(d.serial));
                        try (Stream<java.nio.file.Path> s = Files.list(d.home.resolve(".aws"))) {
                            assertThat(s.toList()).as(d.serial).containsExactly(d.credentials());
                        }
                    } else {
                        try (Stream<java.nio.file.Path> s = Files.list(d.home)) {
                            assertThat(s.toList()).as(d.serial + ": a fresh home is left empty").isEmpty();
                        }
                    }
                    assertThat(Files.exists(d.state)).as(d.serial + ": no state left").isFalse();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** CPU seconds of this JVM (server, emulator) and of its waited-for children (the scripts), from /proc/self/stat. */
    private static double[] cpu() throws Exception {
        String stat = Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
                (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0};
    }

    private static void phase(String name, double[] before, long startNanos) throws Exception {
        double[] now = cpu();
        System.out.printf("fleet phase %-10s wall %6.1f s, CPU: server+emulator %6.1f s, scripts %6.1f s%n", name,
                (System.nanoTime() - startNanos) / 1e9, now[0] - before[0], now[1] - before[1]);
    }

    private static String shell(EndpointFixture.Device d) {
        return Integer.parseInt(d.serial.substring(4)) % 4 < 2 ? "dash" : "bash";
    }

    private interface Step {
        EndpointFixture.Run run(EndpointFixture.Device d) throws Exception;
    }

    private static Map<String, EndpointFixture.Run> each(ExecutorService pool, List<EndpointFixture.Device> fleet, Step step)
            throws Exception {
        Map<String, Future<EndpointFixture.Run>> futures = new HashMap<>();
        for (EndpointFixture.Device d : fleet) {
            futures.put(d.serial, pool.submit(() -> step.run(d)));
        }
        Map<String, EndpointFixture.Run> out = new HashMap<>();
        for (Map.Entry<String, Future<EndpointFixture.Run>> e : futures.entrySet()) {
            out.put(e.getKey(), e.getValue().get());
        }
        return out;
    }

    private static void assertAll(Map<String, EndpointFixture.Run> runs, String expected) {
        runs.forEach((serial, run) -> {
            assertThat(run.exit()).as(serial + ": " + run.output()).isZero();
            assertThat(run.output()).as(serial).contains("canary-refresh: " + expected);
        });
    }

    private static Map<String, CanaryId> liveByDevice(EndpointFixture f) {
        Map<String, CanaryId> out = new HashMap<>();
        for (CanaryRecord r : f.live()) {
            assertThat(out.put(r.asset().id(), r.id())).as("one live canary per device: " + r.asset().id()).isNull();
        }
        return out;
    }
}
