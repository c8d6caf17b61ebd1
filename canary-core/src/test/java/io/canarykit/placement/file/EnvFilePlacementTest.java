package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvFilePlacementTest {
    private static final String DOTENV = "# app settings\r\nDATABASE_URL=postgres://db/app\r\nexport PATH_EXTRA=/opt/bin\r\n";

    @TempDir
    Path dir;

    private EnvFilePlacement placement(String... env) {
        return EnvFilePlacement.builder().environment(environment(dir, env)).build();
    }

    @Test
    void dotenvWithStandardNamesKeepsEverythingElse() {
        Path f = dir.resolve("app/.env");
        write(f, DOTENV.getBytes(StandardCharsets.UTF_8));
        EnvFilePlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "path", f.toString()));
        assertThat(new String(read(f), StandardCharsets.UTF_8)).isEqualTo(DOTENV + "AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A\r\n"
                + "AWS_SECRET_ACCESS_KEY=" + SECRET_1 + "\r\nAWS_SESSION_TOKEN=" + TOKEN_1 + "\r\n");
        assertThat(r.details()).containsEntry("variables", "AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN");
        assertThat(p.verify(r).present()).isTrue();
        PlacementReceipt r2 = p.replace(r, request(longTerm1(), "path", f.toString()));
        assertThat(new String(read(f), StandardCharsets.UTF_8)).isEqualTo(DOTENV + "AWS_ACCESS_KEY_ID=AKIAY34FZKBOKMUTVV7C\r\n"
                + "AWS_SECRET_ACCESS_KEY=" + SECRET_1 + "\r\n");
        p.remove(r);
        assertThat(p.verify(r2).present()).isTrue();
        p.remove(r2);
        assertThat(new String(read(f), StandardCharsets.UTF_8)).isEqualTo(DOTENV);
    }

    @Test
    void exportFormatWithAPrefixIsWhatAShellSources() throws Exception {
        Path f = dir.resolve("profile.sh");
        EnvFilePlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "path", f.toString(), "format", "export", "prefix", "LEGACY_",
                "region", "eu-west-1"));
        Process sh = new ProcessBuilder("sh", "-c", ". " + f + " && printf '%s|%s|%s' \"$LEGACY_AWS_ACCESS_KEY_ID\" "
                + "\"$LEGACY_AWS_SECRET_ACCESS_KEY\" \"$LEGACY_AWS_DEFAULT_REGION\"").start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(out).isEqualTo("ASIAY34FZKBOKMUTVV7A|" + SECRET_1 + "|eu-west-1");
        p.remove(r);
        assertThat(f).as("the placement created the file: it must not stay behind empty").doesNotExist();
        assertThat(dir.resolve(".cache")).as("the lock lives in the cache, outside the target's directory").isDirectory();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly(".cache");
        }
    }

    @Test
    void githubEnvNeedsAPrefixOrAnExplicitYes() {
        Path f = dir.resolve("github_env");
        write(f, "NODE_ENV=test\n".getBytes(StandardCharsets.UTF_8));
        EnvFilePlacement p = placement("GITHUB_ENV", f.toString());
        assertThatThrownBy(() -> p.place(request(session1(), "format", "github-env")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("allow-standard-names");
        PlacementReceipt r = p.place(request(session1(), "format", "github-env", "prefix", "DEPLOY_"));
        assertThat(r.location()).isEqualTo(f.toString());
        assertThat(new String(read(f), StandardCharsets.UTF_8)).startsWith("NODE_ENV=test\nDEPLOY_AWS_ACCESS_KEY_ID=");
        PlacementReceipt std = p.place(request(session2(), "format", "github-env", "allow-standard-names", "true"));
        assertThat(new String(read(f), StandardCharsets.UTF_8)).contains("\nAWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7B\n");
        p.remove(r);
        p.remove(std);
        assertThat(new String(read(f), StandardCharsets.UTF_8)).isEqualTo("NODE_ENV=test\n");
    }

    @Test
    void refusesANameTheFileAlreadyAssigns() {
        Path f = dir.resolve(".env");
        byte[] real = "AWS_ACCESS_KEY_ID=AKIAREALREALREAL0000\nAWS_SECRET_ACCESS_KEY=real\n".getBytes(StandardCharsets.UTF_8);
        write(f, real);
        assertThatThrownBy(() -> placement().place(request(session1(), "path", f.toString())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("line 1 already assigns AWS_ACCESS_KEY_ID")
                .hasMessageNotContaining("real\n");
        assertThat(read(f)).isEqualTo(real);
        PlacementReceipt r = placement().place(request(session1(), "path", f.toString(), "prefix", "OLD_"));
        placement().remove(r);
        assertThat(read(f)).isEqualTo(real);
    }

    @Test
    void missingPathIsAClearError() {
        assertThatThrownBy(() -> placement().place(request(session1())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("needs the option path");
    }

    @Property(tries = 40)
    void placeReplaceRemoveGivesBackTheOriginalBytes(@ForAll("envFiles") String original, @ForAll boolean export)
            throws IOException {
        Path d = Files.createTempDirectory("canary-env");
        Path f = d.resolve(".env");
        try {
            byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
            write(f, bytes);
            EnvFilePlacement p = EnvFilePlacement.builder().environment(environment(d)).build();
            String fmt = export ? "export" : "dotenv";
            PlacementReceipt a = p.place(request(session1(), "path", f.toString(), "format", fmt, "prefix", "CANARY_TEST_"));
            PlacementReceipt b = p.place(request(longTerm1(), "path", f.toString(), "format", fmt));
            PlacementReceipt a2 = p.replace(a, request(session2(), "path", f.toString(), "format", fmt, "prefix", "CANARY_TEST_"));
            assertThat(p.verify(a2).present()).isTrue();
            p.remove(b);
            p.remove(a2);
            assertThat(read(f)).isEqualTo(bytes);
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(d)) {
                for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    @Provide
    Arbitrary<String> envFiles() {
        Arbitrary<String> line = Arbitraries.of("# comment", "", "  ", "FOO=bar", "export PATH=/x:$PATH", "MULTI<<EOF", "EOF",
                "K='quoted value'", "NOEQUALS");
        return net.jqwik.api.Combinators.combine(line.list().ofMaxSize(6), Arbitraries.of("\n", "\r\n"),
                Arbitraries.of(true, false)).as((ls, br, finalBreak) -> String.join(br, ls) + (finalBreak && !ls.isEmpty() ? br : ""));
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThatThrownBy(() -> placement().place(request(session1(), "path", "x", "prefx", "A_")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("prefx");
        assertThat(List.of(dir.toFile().list())).isEmpty();
    }
}
