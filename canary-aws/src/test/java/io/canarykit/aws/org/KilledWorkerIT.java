package io.canarykit.aws.org;

import io.canarykit.Sighting;
import io.canarykit.aws.detect.CloudTrailSqsDetector;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.sqs.EmbeddedSqs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.canarykit.aws.org.OrgEmulator.PROD_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker killed in the middle of a file (another JVM, halted right after its third sighting was stored): the message
 * reappears after the visibility timeout, the next worker stores what is missing, and nothing is lost or stored twice.
 */
class KilledWorkerIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerKilledInTheMiddleOfAFileLosesNothingAndStoresNothingTwice() throws Exception {
        // SQLite: a commit is on disk when it returns (H2's file mode writes committed data up to a second later)
        String url = "jdbc:sqlite:" + dir.resolve("store.db");
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            SqsFixture.Canary a;
            String queue;
            SqsFixture f;
            JdbcCanaryStore first = JdbcCanaryStore.open(url, "sa", null);
            f = new SqsFixture(sqs, "killed", Duration.ofSeconds(3), first);
            try {
                a = f.canary(PROD_A, "build-runner");
                for (int i = 0; i < 5; i++) {
                    f.use(a); // ten events in one log file
                }
                f.aws.deliverNow();
                queue = f.queue;
                first.close();

                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                Process worker = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                        KilledWorkerMain.class.getName(), sqs.endpoint().toString(), queue, f.aws.endpoint().toString(),
                        f.aws.trailBucket(), f.aws.adminCredentials(OrgEmulator.MANAGEMENT).accessKeyId(), url, "3"))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                worker.getOutputStream().write(f.aws.adminCredentials(OrgEmulator.MANAGEMENT).secretAccessKey().reveal()
                        .getBytes(StandardCharsets.UTF_8));
                worker.getOutputStream().close();
                assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(worker.exitValue()).as("killed after its third stored sighting").isEqualTo(137);

                try (JdbcCanaryStore after = JdbcCanaryStore.open(url, "sa", null)) {
                    List<Sighting> partial = after.sightings(a.record().id());
                    assertThat(partial).as("the dead worker stored part of the file").hasSize(3);
                    assertThat(sqs.depth(queue)).as("and deleted nothing").isEqualTo(1);

                    CloudTrailSqsDetector next = CloudTrailSqsDetector.builder().sqsClient(f.client).s3Client(f.s3)
                            .queueUrl(queue).buckets(List.of(f.aws.trailBucket())).consumers(3)
                            .waitTime(Duration.ofSeconds(5)).visibilityTimeout(Duration.ofSeconds(3)).build();
                    // the message is invisible until the dead worker's visibility timeout lapses; wait it out
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (next.filesRead() == 0 && System.nanoTime() < deadline) {
                        DetectionEngine.builder().store(after).detector(next).build().runOnce();
                    }
                    List<Sighting> all = after.sightings(a.record().id());
                    assertThat(all).hasSize(10);
                    assertThat(all).extracting(Sighting::sourceEventId).doesNotHaveDuplicates();
                    assertThat(all).extracting(Sighting::sourceEventId).containsAll(
                            partial.stream().map(Sighting::sourceEventId).toList());
                    assertThat(sqs.depth(queue)).isZero();
                }
            } finally {
                f.close();
            }
        }
    }
}
