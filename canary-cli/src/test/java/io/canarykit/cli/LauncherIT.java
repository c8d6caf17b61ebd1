package io.canarykit.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code canary} launcher beside {@code canary.jar} ({@code src/main/sh/canary}), run as a user runs it: it hands
 * every argument to the jar unchanged (spaces and all), runs short commands with the options of a command-line tool
 * and long-running ones with the JVM's defaults, lets {@code CANARY_JAVA_OPTS} add and override options, works through
 * a symbolic link, and says clearly what is missing.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("target", "canary").toAbsolutePath();
    private static final Path JAR = Path.of("target", "canary.jar").toAbsolutePath();
    private static final String KEY = "AKIAXMLW2M3TYBIXLRWI";

    @TempDir
    static Path dir;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void built() {
        assertThat(LAUNCHER).as("the launcher is copied beside the jar in the package phase").exists();
        assertThat(JAR).exists();
    }

    @Test
    void isExecutableAndRunsTheJarBesideIt() throws Exception {
        assertThat(Files.getPosixFilePermissions(LAUNCHER)).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        Run r = run(List.of(LAUNCHER.toString(), "--version"), Map.of());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("canary ").contains("Java ");
    }

    @Test
    void shortCommandsGetTheCommandLineToolsOptionsAndLongRunningOnesTheJvmsDefaults() throws Exception {
        Map<String, String> flags = Map.of("CANARY_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        for (List<String> shortOne : List.of(List.of("--version"), List.of("scan", "--help"),
                List.of("--debug", "scan", "--help"), List.of("detect", "--help"))) {
            Run r = run(prepend(LAUNCHER.toString(), shortOne), flags);
            assertThat(r.out()).as("canary %s", shortOne).contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:PretenureSizeThreshold=262144", "-XX:-UsePerfData");
        }
        for (List<String> longOne : List.of(List.of("serve", "--help"), List.of("detect", "--follow", "--help"))) {
            Run r = run(prepend(LAUNCHER.toString(), longOne), flags);
            assertThat(r.out()).as("canary %s", longOne).contains("-XX:+PrintCommandLineFlags")
                    .doesNotContain("UseSerialGC").doesNotContain("TieredStopAtLevel").doesNotContain("Pretenure");
        }
    }

    @Test
    void canaryJavaOptsComesLastSoItsOptionsWin() throws Exception {
        Run r = run(List.of(LAUNCHER.toString(), "--version"),
                Map.of("CANARY_JAVA_OPTS", "-XX:TieredStopAtLevel=4 -XX:+PrintFlagsFinal"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("intx TieredStopAtLevel\\s+= 4 ");
    }

    @Test
    void argumentsReachTheJarUnchangedThroughASymbolicLinkAndPathsWithSpaces() throws Exception {
        Path spaced = Files.createDirectories(dir.resolve("with space $HOME `id` ;"));
        Path link = Files.createSymbolicLink(dir.resolve("bin-canary"), LAUNCHER);
        Path canaries = spaced.resolve("canaries 'one'.jsonl");
        Files.writeString(canaries, "{\"canaryId\":\"01JN4XMN00Q1N19Y8PN2WEBC8P\",\"accessKeyId\":\"" + KEY
                + "\",\"principalArn\":null,\"issuedAt\":\"2025-02-28T00:00:00Z\",\"expiresAt\":null}\n");
        Path logs = Files.createDirectories(spaced.resolve("logs *"));
        Files.writeString(logs.resolve("a b.json"), "{\"Records\":[{\"eventVersion\":\"1.08\",\"userIdentity\":{"
                + "\"type\":\"IAMUser\",\"accessKeyId\":\"" + KEY + "\"},\"eventTime\":\"2025-03-01T00:00:00Z\","
                + "\"eventSource\":\"sts.amazonaws.com\",\"eventName\":\"GetCallerIdentity\",\"awsRegion\":\"us-east-1\","
                + "\"eventID\":\"e1\"}]}");
        List<String> args = List.of("scan", "--canaries", canaries.toString(), "--json", logs.toString());
        Run viaLink = run(prepend(link.toString(), args), Map.of());
        assertThat(viaLink.exit()).as(viaLink.err()).isZero();
        assertThat(viaLink.out()).contains("\"eventId\":\"e1\"").contains(KEY);
        assertThat(viaLink.err()).contains("\"files\":1,\"records\":1,\"sightings\":1");
        List<String> direct = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        direct.addAll(args);
        Run viaJava = run(direct, Map.of());
        assertThat(viaLink.out()).as("the launcher prints what java -jar prints").isEqualTo(viaJava.out());
        assertThat(viaLink.err()).isEqualTo(viaJava.err());
    }

    @Test
    void aMissingJarOrJavaIsNamed() throws Exception {
        Run noJar = run(List.of(LAUNCHER.toString(), "--version"),
                Map.of("CANARY_JAR", dir.resolve("nowhere/canary.jar").toString()));
        assertThat(noJar.exit()).isEqualTo(1);
        assertThat(noJar.err()).contains("nowhere/canary.jar not found").contains("CANARY_JAR");
        Run noJava = run(List.of(LAUNCHER.toString(), "--version"),
                Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()));
        assertThat(noJava.exit()).isEqualTo(1);
        assertThat(noJava.err()).contains("no-jdk/bin/java").contains("JAVA_HOME");
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("CANARY_JAVA_OPTS");
        pb.environment().remove("CANARY_JAR");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
