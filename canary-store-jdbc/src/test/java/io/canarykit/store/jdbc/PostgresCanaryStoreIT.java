package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDBC store on a real PostgreSQL server (see {@link TestPostgres}): the contract, including the 8-thread
 * compare-and-set race that must lose no update, plus migrations, history and error mapping. Each test gets a new
 * schema, dropped afterwards.
 */
class PostgresCanaryStoreIT extends JdbcStoreContract {

    @Override
    protected DataSource freshDatabase() {
        TestPostgres pg = TestPostgres.get();
        String schema = pg.createSchema();
        PooledDataSource ds = pg.dataSource(schema);
        onClose(() -> {
            ds.close();
            pg.dropSchema(schema);
        });
        return ds;
    }

    @Override
    protected JdbcDialect dialect() {
        return JdbcDialect.POSTGRESQL;
    }

    @Override
    protected AutoCloseable holdMigrationLock(DataSource ds) throws Exception {
        Connection c = ds.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(1128353345, hashtext(coalesce(current_schema(), '')))");
        }
        return () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            }
            c.close();
        };
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theForeignSchemaCheckIsMadeUnderTheMigrationLock() throws Exception {
        DataSource ds = freshDatabase();
        ExecutorService one = Executors.newSingleThreadExecutor();
        AutoCloseable lock = holdMigrationLock(ds);
        try {
            Future<MigrationResult> waiting = one.submit(() -> storeOver(ds).migrate());
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                while (true) { // until the migration waits for the lock
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                            + " AND NOT granted")) {
                        rs.next();
                        if (rs.getInt(1) > 0) {
                            break;
                        }
                    }
                    Thread.sleep(20);
                }
                // meanwhile another tool creates the schema its own way
                s.execute("CREATE TABLE canary (id VARCHAR(26) PRIMARY KEY)");
            }
            lock.close();
            lock = null;
            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("managed by another tool");
        } finally {
            if (lock != null) {
                lock.close();
            }
            one.shutdownNow();
        }
        assertThat(count(ds, "SELECT COUNT(*) FROM canary")).as("the foreign table is left alone").isZero();
    }

    @Test
    void aLostConnectionIsRetryableAndThePoolRecovers() throws Exception {
        CanaryRecord r = store.create(fixtures.active());
        store.find(r.id()); // leaves idle connections in the pool
        try (Connection admin = TestPostgres.get().connect(); Statement s = admin.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                    + " AND backend_type = 'client backend' AND datname = current_database()");
        }

        assertThatThrownBy(() -> store.find(r.id())).isInstanceOf(CanaryStoreException.class)
                .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isTrue());
        assertThat(store.find(r.id())).contains(r);
    }
}
