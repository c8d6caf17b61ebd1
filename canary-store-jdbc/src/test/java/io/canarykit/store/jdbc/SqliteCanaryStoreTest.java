package io.canarykit.store.jdbc;

import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDBC store on a SQLite file, through sqlite-jdbc's plain (unpooled) DataSource with its default settings
 * (rollback journal, 3 s busy timeout): the store must cope without tuning.
 */
class SqliteCanaryStoreTest extends JdbcStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected DataSource freshDatabase() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("store-" + DATABASES.incrementAndGet() + ".db"));
        return ds;
    }

    @Override
    protected JdbcDialect dialect() {
        return JdbcDialect.SQLITE;
    }

    @Override
    protected AutoCloseable holdMigrationLock(DataSource ds) throws Exception {
        Connection c = ds.getConnection();
        Statement s = c.createStatement();
        s.execute("BEGIN IMMEDIATE");
        return () -> {
            s.execute("ROLLBACK");
            s.close();
            c.close();
        };
    }
}
