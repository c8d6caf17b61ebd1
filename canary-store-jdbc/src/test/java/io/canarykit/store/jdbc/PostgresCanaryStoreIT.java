package io.canarykit.store.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStoreException;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;

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
