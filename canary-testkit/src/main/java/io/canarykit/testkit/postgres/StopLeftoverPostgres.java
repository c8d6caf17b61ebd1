package io.canarykit.testkit.postgres;

import java.nio.file.Path;

/**
 * Stops and deletes the throwaway PostgreSQL clusters listed in {@code <module>/target/postgresql/clusters.txt}.
 * Test JVMs stop their cluster in a shutdown hook; this catches the ones that were killed. Run it in Maven's
 * {@code post-integration-test} phase (exec-maven-plugin on the test class path), so it runs after failed tests too.
 *
 * @since 0.1.0
 */
public final class StopLeftoverPostgres {
    private StopLeftoverPostgres() {
    }

    /** {@code StopLeftoverPostgres <module dir>}. */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StopLeftoverPostgres <module dir>");
        }
        TestPostgres.stopLeftovers(Path.of(args[0], "target", "postgresql"));
    }
}
