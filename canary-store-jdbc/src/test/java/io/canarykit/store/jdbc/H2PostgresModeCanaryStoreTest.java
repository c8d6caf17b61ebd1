package io.canarykit.store.jdbc;

import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

/**
 * The JDBC store on an in-memory H2 database in H2's PostgreSQL compatibility mode, which people use to stand in for
 * PostgreSQL: the store's H2 SQL must work there too.
 */
class H2PostgresModeCanaryStoreTest extends JdbcStoreContract {

    @Override
    protected DataSource freshDatabase() {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:canary-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        pool.setMaxConnections(16);
        onClose(() -> {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            pool.dispose();
        });
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
