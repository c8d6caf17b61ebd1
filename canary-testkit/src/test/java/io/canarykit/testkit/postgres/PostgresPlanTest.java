package io.canarykit.testkit.postgres;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the integration tests decide to get a PostgreSQL server, for every kind of machine. */
class PostgresPlanTest {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    @Test
    void pgUrlWinsWithPostgresAsTheDefaultUser() {
        PostgresPlan plan = PostgresPlan.decide(Map.of("PG_URL", " jdbc:postgresql://db:5432/ci "), BIN, true, true);
        assertThat(plan).isEqualTo(new PostgresPlan.External("jdbc:postgresql://db:5432/ci", "postgres", null));
        assertThat(PostgresPlan.decide(Map.of("PG_URL", "jdbc:postgresql://db/ci", "PG_USER", "ci", "PG_PASSWORD", "pw"),
                null, false, false)).isEqualTo(new PostgresPlan.External("jdbc:postgresql://db/ci", "ci", "pw"));
    }

    @Test
    void binariesOnTheMachineAreStartedAsPostgresWhenRoot() {
        assertThat(PostgresPlan.decide(Map.of(), BIN, true, true)).isEqualTo(new PostgresPlan.StartLocal(BIN, true));
        assertThat(PostgresPlan.decide(Map.of("PG_URL", " "), BIN, false, true)).isEqualTo(new PostgresPlan.StartLocal(BIN, false));
    }

    @Test
    void rootWithoutBinariesInstallsTheDebianPackage() {
        PostgresPlan plan = PostgresPlan.decide(Map.of(), null, true, true);
        assertThat(plan).isEqualTo(new PostgresPlan.InstallThenStart(List.of(
                List.of("apt-get", "update"),
                List.of("apt-get", "install", "-y", "--no-install-recommends", "postgresql-15")), BIN));
    }

    @Test
    void withoutAnyWayToGetAServerTheTestsFailSayingWhatToInstall() {
        PostgresPlan notRoot = PostgresPlan.decide(Map.of(), null, false, true);
        assertThat(notRoot).isInstanceOf(PostgresPlan.Fail.class);
        assertThat(((PostgresPlan.Fail) notRoot).message())
                .contains("never skip").contains("apt-get install -y --no-install-recommends postgresql-15")
                .contains("PG_URL").contains("not run as root");

        PostgresPlan noApt = PostgresPlan.decide(Map.of(), null, true, false);
        assertThat(((PostgresPlan.Fail) noApt).message()).contains("apt-get is missing").contains("postgresql-15");

        PostgresPlan badBin = PostgresPlan.decide(Map.of("PG_BIN", "/opt/nothing/bin"), null, true, true);
        assertThat(((PostgresPlan.Fail) badBin).message()).contains("PG_BIN=/opt/nothing/bin").contains("postgresql-15");
    }

    @Test
    void aBinDirectoryNeedsInitdbAndPgCtl() {
        assertThat(TestPostgres.hasServerBinaries(Path.of("/nonexistent/bin"))).isFalse();
    }
}
