package io.canarykit.store.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 5, written as the failure it was: a child JVM writes the intent (a {@code create}, or the
 * {@code update} that records a revocation) and is killed with SIGKILL the instant the store call returns, where the
 * AWS call would follow; a fresh process must find the write. H2's default write delay (500 ms) lost it.
 */
class DurableIntentIT {
    @TempDir
    Path dir;

    @Test
    void anIntentCreatedOnH2SurvivesAKillRightAfterCreateReturns() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("store");
        assertSurvives(url, "-", "-");
    }

    @Test
    void anIntentCreatedOnSqliteSurvivesAKillRightAfterCreateReturns() throws Exception {
        assertSurvives("jdbc:sqlite:" + dir.resolve("store.db"), "-", "-");
    }

    @Test
    void anIntentCreatedOnPostgresSurvivesAKillRightAfterCreateReturns() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String schema = pg.createSchema();
        try {
            assertSurvives(pg.url(schema), pg.user(), pg.password() == null ? "-" : pg.password().reveal());
        } finally {
            pg.dropSchema(schema);
        }
    }

    private void assertSurvives(String url, String user, String password) throws Exception {
        for (int round = 0; round < 1; round++) {
            Run created = run("create", url, user, password, null);
            assertThat(created.exit).as("killed by SIGKILL: " + created.output).isEqualTo(137);
            String id = created.output.strip();
            assertThat(run("check", url, user, password, id).output).as("after create, round " + round)
                    .contains("FOUND version=1 intent=false");

            Run updated = run("update", url, user, password, id);
            assertThat(updated.exit).as("killed by SIGKILL: " + updated.output).isEqualTo(137);
            assertThat(run("check", url, user, password, id).output).as("after update, round " + round)
                    .contains("FOUND version=2 intent=true");
        }
    }

    private record Run(int exit, String output) {
    }

    private Run run(String mode, String url, String user, String password, String id) throws IOException,
            InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), DurabilityChild.class.getName(), mode, url, user, password));
        if (id != null) {
            cmd.add(id);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(mode + " did not finish");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
