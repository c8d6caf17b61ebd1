package io.canarykit.store.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;

/** Holds H2's schema-migration lock (a row in canary_schema_lock) as another process would. */
final class H2Locks {
    private H2Locks() {
    }

    static AutoCloseable hold(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS canary_schema_lock (id INTEGER NOT NULL PRIMARY KEY,"
                    + " locked_by VARCHAR(200) NOT NULL, locked_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO canary_schema_lock (id, locked_by, locked_at) VALUES (1, 'another process', ?)")) {
                ps.setObject(1, OffsetDateTime.now());
                ps.executeUpdate();
            }
        }
        return () -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM canary_schema_lock");
            }
        };
    }
}
