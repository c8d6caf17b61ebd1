package io.canarykit.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests the build's API check (the japicmp execution {@code api-check} of the parent POM) the way a user meets it: a
 * tiny project whose parent is canarykit's parent POM, with a baseline jar of version 0.1.0 beside it, is built by a
 * child Maven. A removed public method must fail its build unless the version says breaking is allowed; an added
 * method must not.
 */
class ApiCompatibilityCheckIT {

    private static final Path ROOT = Paths.get(System.getProperty("canary.root")).toAbsolutePath().normalize();
    private static final Path FIXTURES = Paths.get(System.getProperty("canary.fixtures"), "api-check");
    private static final Path WORK = Paths.get("target", "api-check").toAbsolutePath();
    private static Path baselineJar;

    @BeforeAll
    static void baseline() throws IOException {
        deleteTree(WORK);
        Path classes = WORK.resolve("baseline-classes");
        Files.createDirectories(classes);
        JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                FIXTURES.resolve("v1/fixture/Greeter.java").toString());
        assertThat(rc).as("javac of the baseline").isZero();
        baselineJar = WORK.resolve("canary-api-fixture-0.1.0.jar");
        ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
        assertThat(jar.run(System.out, System.err, "--create", "--file", baselineJar.toString(),
                "-C", classes.toString(), ".")).as("jar of the baseline").isZero();
    }

    @Test
    void removedPublicMethodFailsTheBuildUnlessANewVersionLineAllowsIt() throws Exception {
        // one child Maven builds the three fixture projects (-fae: each is built whatever the others do)
        fixture("breaking-patch", "v2-breaking", "0.1.1-SNAPSHOT");
        fixture("compatible-patch", "v2-compatible", "0.1.1-SNAPSHOT");
        fixture("breaking-minor", "v2-breaking", "0.2.0-SNAPSHOT");
        Files.writeString(WORK.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.canarykit.fixture</groupId>
                  <artifactId>api-check-fixtures</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules>
                    <module>breaking-patch</module>
                    <module>compatible-patch</module>
                    <module>breaking-minor</module>
                  </modules>
                </project>
                """, StandardCharsets.UTF_8);

        String output = maven(WORK);

        // a public method removed in a patch version (0.1.0 -> 0.1.1): the API check fails that build, naming it
        assertThat(output).containsPattern("(?m)^\\[INFO\\] fixture breaking-patch 0\\.1\\.1-SNAPSHOT \\.+ FAILURE")
                .containsPattern("japicmp-maven-plugin.*\\(api-check\\) on project canary-api-fixture-breaking-patch"
                        + ": There is at least one incompatibility: fixture\\.Greeter\\.bye\\(java\\.lang\\.String\\)"
                        + ":METHOD_REMOVED");
        // positive controls: an added method passes, and so does the removal in a new minor version (0.2.0)
        assertThat(output).containsPattern("(?m)^\\[INFO\\] fixture compatible-patch 0\\.1\\.1-SNAPSHOT \\.+ SUCCESS")
                .containsPattern("(?m)^\\[INFO\\] fixture breaking-minor 0\\.2\\.0-SNAPSHOT \\.+ SUCCESS")
                .doesNotContain("on project canary-api-fixture-compatible-patch")
                .doesNotContain("on project canary-api-fixture-breaking-minor");
    }

    private static void fixture(String name, String sources, String version) throws IOException {
        Path project = WORK.resolve(name);
        Path pkg = project.resolve("src/main/java/fixture");
        Files.createDirectories(pkg);
        Files.copy(FIXTURES.resolve(sources).resolve("fixture/Greeter.java"), pkg.resolve("Greeter.java"));
        String parent = project.relativize(ROOT.resolve("pom.xml")).toString().replace('\\', '/');
        Files.writeString(project.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>io.canarykit</groupId>
                    <artifactId>canarykit-parent</artifactId>
                    <version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <groupId>io.canarykit.fixture</groupId>
                  <artifactId>canary-api-fixture-%s</artifactId>
                  <version>%s</version>
                  <name>fixture %s</name>
                  <properties>
                    <module.name>fixture</module.name>
                    <api.baseline.jar>%s</api.baseline.jar>
                    <maven.source.skip>true</maven.source.skip>
                    <maven.javadoc.skip>true</maven.javadoc.skip>
                  </properties>
                </project>
                """.formatted(parentVersion(), parent, name, version, name, baselineJar), StandardCharsets.UTF_8);
    }

    private static String maven(Path dir) throws Exception {
        Path mvn = Paths.get(System.getProperty("canary.maven.home"), "bin", "mvn");
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-ntp", "-o", "-fae",
                "-Dmaven.repo.local=" + System.getProperty("canary.maven.repo"), "-DskipTests", "verify"));
        Path log = dir.resolve("build.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the fixture build did not finish in 5 minutes: " + log);
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static String parentVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        int start = pom.indexOf("<version>", pom.indexOf("<artifactId>canarykit-parent</artifactId>"));
        return pom.substring(start + "<version>".length(), pom.indexOf("</version>", start));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

}
