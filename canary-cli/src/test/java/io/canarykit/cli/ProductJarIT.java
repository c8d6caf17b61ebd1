package io.canarykit.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product jar ({@code canary-cli/target/canary.jar}, built in the package phase before this test runs) carries no
 * test library and nothing the command does not use: no WireMock, Jetty 11 (the server's Jetty is 12), servlet API,
 * JUnit, AssertJ, test kit classes, HikariCP, and no sample plugin.
 */
class ProductJarIT {
    private static final List<String> FORBIDDEN = List.of(
            "com/github/tomakehurst/wiremock/", "wiremock/", "org/wiremock/",
            "org/junit/", "junit/", "org/assertj/", "org/opentest4j/",
            "io/canarykit/testkit/", "io/canarykit/examples/",
            "com/zaxxer/hikari/", "org/mockito/", "net/jqwik/", "jakarta/servlet/");

    @Test
    void productJarHoldsNoTestLibrary() throws IOException {
        Path jar = Path.of("target", "canary.jar");
        assertThat(jar).as("the product jar is built in the package phase").exists();
        List<String> bad = new ArrayList<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(f.entries())) {
                for (String prefix : FORBIDDEN) {
                    if (e.getName().startsWith(prefix)) {
                        bad.add(e.getName());
                        break;
                    }
                }
            }
            assertThat(f.getEntry("io/canarykit/cli/CanaryMain.class")).isNotNull();
            // the server's Jetty is 12 (WireMock's Jetty 11 must not be here, nor replace it)
            assertThat(f.getEntry("org/eclipse/jetty/server/Handler$Abstract.class")).isNotNull();
            assertThat(new String(f.getInputStream(f.getEntry("META-INF/maven/org.eclipse.jetty/jetty-server/pom.properties"))
                    .readAllBytes())).contains("version=12.");
            assertThat(new String(f.getInputStream(f.getEntry("META-INF/services/io.canarykit.placement.PlacementProvider"))
                    .readAllBytes())).doesNotContain("tfvars");
        }
        assertThat(bad).as("test libraries or unused classes in the product jar").isEmpty();
        System.out.printf("canary.jar: %.1f MB%n", Files.size(jar) / 1e6);
    }
}
