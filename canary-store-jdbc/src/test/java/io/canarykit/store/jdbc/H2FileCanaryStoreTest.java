package io.canarykit.store.jdbc;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDBC store on an H2 file database in H2's regular mode: the embedded default the demo uses. */
class H2FileCanaryStoreTest extends JdbcStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected DataSource freshDatabase() {
        JdbcConnectionPool pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dir.resolve("store-" + DATABASES.incrementAndGet()), "canary", "");
        pool.setMaxConnections(16);
        onClose(pool::dispose);
        return pool;
    }

    @Override
    protected JdbcDialect dialect() {
        return JdbcDialect.H2;
    }

    @Override
    protected AutoCloseable holdMigrationLock(DataSource ds) throws Exception {
        return H2Locks.hold(ds);
    }
}
