package io.canarykit.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code canary scan}'s progress line, seen as a user sees it: the product jar run on a real pseudo-terminal (through
 * {@code script(1)}) draws the line on stderr and removes it before the summary; the same scan with stderr piped, as in
 * a script or a log, writes no progress at all. The first file is a named pipe the test feeds only after the scan has
 * been reading it for 1.5 seconds, so the scan is "long" (the line is drawn once a scan has run a second) whatever the
 * machine's speed.
 */
class ScanProgressIT {
    private static final String KEY = "AKIAXMLW2M3TYBIXLRWI";
    private static final Path JAR = Path.of("target", "canary.jar").toAbsolutePath();

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws IOException {
        assertThat(JAR).as("the product jar is built in the package phase").exists();
        Files.writeString(dir.resolve("canaries.jsonl"), "{\"canaryId\":\"01JN4XMN00Q1N19Y8PN2WEBC8P\",\"accessKeyId\":\""
                + KEY + "\",\"principalArn\":\"arn:aws:iam::123456789012:user/canary/svc-0\","
                + "\"issuedAt\":\"2025-02-28T00:00:00Z\",\"expiresAt\":null}\n");
        Files.createDirectories(dir.resolve("logs"));
        Files.write(dir.resolve("logs/b.json.gz"), trail(40, 7));
        Files.write(dir.resolve("logs/c.json.gz"), trail(40, -1));
    }

    @Test
    void onATerminalALineIsDrawnOnStderrAndRemovedBeforeTheSummary() throws Exception {
        Path fifo = fifo("t.fifo");
        String shown = run(fifo, List.of("script", "-q", "-e", "-c", command(fifo), "/dev/null"), true);
        assertThat(shown).as("the progress line after the slow first file, and the last one at 3/3 files")
                .contains("1/3 files").contains("3/3 files").contains("records/s").contains("sightings");
        assertThat(shown).as("the line is drawn in place and wiped before the summary")
                .containsPattern("\r {100}\r(\r\n)*scanned 3 file\\(s\\), 120 record\\(s\\): 2 sighting\\(s\\)");
        assertThat(shown).as("the sightings still reach stdout").contains(KEY);
    }

    @Test
    void pipedThereIsNoProgressLine() throws Exception {
        Path fifo = fifo("p.fifo");
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", JAR.toString(), "scan", "--canaries",
                dir.resolve("canaries.jsonl").toString(), fifo.toString(), dir.resolve("logs").toString()));
        String stderr = run(fifo, cmd, false);
        assertThat(stderr).as("a piped stderr carries the summary and nothing drawn")
                .contains("scanned 3 file(s), 120 record(s): 2 sighting(s)")
                .doesNotContain("\r").doesNotContain("records/s").doesNotContain("files  ");
    }

    /** Runs the scan, feeding the named pipe 1.5 s after the scan opened it; returns the terminal's or stderr's text. */
    private static String run(Path fifo, List<String> command, boolean terminal) throws Exception {
        Thread feeder = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // blocks until the scan opens the pipe
                Thread.sleep(1_500);
                out.write(trail(40, 3));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fifo-feeder");
        feeder.setDaemon(true);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Path out = dir.resolve("out-" + fifo.getFileName());
        Path err = dir.resolve("err-" + fifo.getFileName());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        feeder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the scan ends").isTrue();
        feeder.join(10_000);
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stdout %s stderr %s", stdout, stderr).isZero();
        if (terminal) {
            return stdout + stderr; // script(1) puts the terminal's whole text on its stdout
        }
        assertThat(stdout).contains(KEY);
        return stderr;
    }

    private static String command(Path fifo) {
        return String.join(" ", java(), "-jar", quote(JAR.toString()), "scan", "--canaries",
                quote(dir.resolve("canaries.jsonl").toString()), quote(fifo.toString()),
                quote(dir.resolve("logs").toString()));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path fifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).as("mkfifo").isZero();
        return fifo;
    }

    /** A gzipped CloudTrail file of {@code n} records; the record at {@code canaryAt} (if not -1) uses the canary. */
    private static byte[] trail(int n, int canaryAt) {
        StringBuilder json = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < n; i++) {
            String key = i == canaryAt ? KEY : String.format("AKIAEXAMPLE%09d", i);
            json.append(i == 0 ? "" : ",").append("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",")
                    .append("\"accountId\":\"123456789012\",\"accessKeyId\":\"").append(key)
                    .append("\"},\"eventTime\":\"2025-03-01T00:00:").append(String.format("%02d", i % 60))
                    .append("Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",")
                    .append("\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\",")
                    .append("\"eventID\":\"").append(java.util.UUID.randomUUID()).append("\"}");
        }
        json.append("]}");
        try (var bytes = new java.io.ByteArrayOutputStream(); var gz = new GZIPOutputStream(bytes)) {
            gz.write(json.toString().getBytes(StandardCharsets.UTF_8));
            gz.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
