package io.canarykit.testkit.postgres;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the integration tests get a PostgreSQL server, decided from the environment alone (so that the decision can be
 * unit-tested without touching the machine).
 */
sealed interface PostgresPlan {
    /** The Debian PostgreSQL 15 binaries. */
    Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");
    /** The Debian 12 package that holds them ({@code postgresql} is only a meta-package depending on it). */
    String DEBIAN_PACKAGE = "postgresql-15";

    /** Use the server {@code PG_URL} points to. */
    record External(String url, String user, @Nullable String password) implements PostgresPlan {
    }

    /** initdb and start a throwaway cluster with the binaries in {@code bin}; as user postgres when root. */
    record StartLocal(Path bin, boolean asPostgresUser) implements PostgresPlan {
    }

    /** Install the Debian package with these commands first (root only), then start like {@link StartLocal}. */
    record InstallThenStart(List<List<String>> commands, Path bin) implements PostgresPlan {
    }

    /** No way to get a server: the tests fail with this message. */
    record Fail(String message) implements PostgresPlan {
    }

    /**
     * Decides.
     *
     * @param env          the environment ({@code PG_URL}, {@code PG_USER}, {@code PG_PASSWORD}, {@code PG_BIN})
     * @param found        the bin directory holding {@code initdb} and {@code pg_ctl}, or {@code null} if none
     * @param root         whether the build runs as root
     * @param aptAvailable whether {@code apt-get} is on this machine
     */
    static PostgresPlan decide(Map<String, String> env, @Nullable Path found, boolean root, boolean aptAvailable) {
        String url = env.get("PG_URL");
        if (url != null && !url.isBlank()) {
            String user = env.get("PG_USER");
            return new External(url.trim(), user == null || user.isBlank() ? "postgres" : user.trim(), env.get("PG_PASSWORD"));
        }
        if (found != null) {
            return new StartLocal(found, root);
        }
        String pgBin = env.get("PG_BIN");
        if (pgBin != null && !pgBin.isBlank()) {
            return new Fail("PG_BIN=" + pgBin + " holds no initdb and pg_ctl: point it at a PostgreSQL bin directory"
                    + " or unset it to use " + DEBIAN_15 + HOW);
        }
        if (root && aptAvailable) {
            return new InstallThenStart(List.of(
                    List.of("apt-get", "update"),
                    List.of("apt-get", "install", "-y", "--no-install-recommends", DEBIAN_PACKAGE)), DEBIAN_15);
        }
        return new Fail("PostgreSQL is needed by the canary-store-jdbc integration tests (they never skip), but there is"
                + " no PG_URL and no PostgreSQL binaries in " + DEBIAN_15
                + (root ? " (and apt-get is missing, so they cannot be installed)"
                        : " (and the build does not run as root, so it cannot install them)")
                + HOW);
    }

    /** What to do about it, appended to every failure message. */
    String HOW = ". Fix: install them as root with `apt-get update && apt-get install -y --no-install-recommends "
            + DEBIAN_PACKAGE + "` (Debian 12), or set PG_URL=jdbc:postgresql://host:port/database (and PG_USER,"
            + " PG_PASSWORD) to a server where that user may create schemas, or PG_BIN to another PostgreSQL bin"
            + " directory";
}
