package io.canarykit.store.jdbc;

import io.canarykit.store.CanaryStoreException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;

/** Classifies driver errors of the three dialects and turns them into {@link CanaryStoreException}s. */
final class SqlErrors {
    private SqlErrors() {
    }

    /** A unique or primary-key constraint refused the row. */
    static boolean isUniqueViolation(JdbcDialect dialect, SQLException e) {
        if (dialect == JdbcDialect.SQLITE) {
            String m = message(e);
            return m.contains("SQLITE_CONSTRAINT_PRIMARYKEY") || m.contains("SQLITE_CONSTRAINT_UNIQUE");
        }
        return "23505".equals(e.getSQLState());
    }

    /** A foreign key refused the row because the row it points at does not exist. */
    static boolean isForeignKeyViolation(JdbcDialect dialect, SQLException e) {
        if (dialect == JdbcDialect.SQLITE) {
            return message(e).contains("SQLITE_CONSTRAINT_FOREIGNKEY");
        }
        // PostgreSQL: 23503 foreign_key_violation; H2: 23506 (parent missing)
        return "23503".equals(e.getSQLState()) || "23506".equals(e.getSQLState());
    }

    /** A table the store needs is missing: the schema was never migrated. */
    static boolean isMissingTable(JdbcDialect dialect, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (dialect) {
            case POSTGRESQL -> state.equals("42P01");
            case H2 -> e.getErrorCode() >= 42102 && e.getErrorCode() <= 42104;
            case SQLITE -> message(e).contains("no such table");
        };
    }

    /**
     * H2 refused to open a file database because another process has it open (error 90020): H2 file databases
     * belong to one process at a time.
     */
    static boolean isH2FileInUse(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    /**
     * What to tell a user whose H2 file store is held by another process: which process, what to do now, and what to
     * use for several processes at once. Names no file path beyond what the URL holds (no password is in it).
     */
    static CanaryStoreException h2FileInUse(String operation, SQLException e) {
        return new CanaryStoreException("canary store (h2): " + operation + " failed: the H2 database file is in use by"
                + " another process, and an H2 file store can be open in only one process at a time. Stop the other"
                + " canary process using this store (a 'canary detect --follow', 'canary serve' or another command still"
                + " running), then try again. To run several processes against one store, use PostgreSQL"
                + " (canary.store.jdbc.url=jdbc:postgresql://host:5432/canary) or DynamoDB (canary.store=dynamodb)."
                + " [H2 error 90020]", true, e);
    }

    /**
     * True when the same call may succeed later: lost connection, lock or serialization conflict, timeout, overload.
     * {@code dialect} may be {@code null} (not known yet): then only SQL states count.
     */
    static boolean isRetryable(@Nullable JdbcDialect dialect, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && retryableState(dialect, s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryableState(@Nullable JdbcDialect dialect, SQLException e) {
        if (dialect == JdbcDialect.SQLITE) {
            String m = message(e);
            return m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("SQLITE_IOERR");
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08")          // connection exception
                || state.equals("40001")       // serialization failure
                || state.equals("40P01")       // PostgreSQL deadlock
                || state.startsWith("53")      // PostgreSQL insufficient resources (too many connections, disk full)
                || state.equals("55P03")       // PostgreSQL lock not available (lock_timeout)
                || state.equals("57014")       // PostgreSQL query cancelled (statement_timeout)
                || state.startsWith("57P")     // PostgreSQL server shutting down / restarting
                || state.equals("HYT00")       // H2 lock timeout
                || state.equals("HY008");      // cancelled
    }

    /**
     * A store exception for a failed operation. The message names the dialect, the operation, the SQL state and the
     * driver's message (drivers never echo a password), plus a hint when the schema is missing.
     */
    static CanaryStoreException translate(JdbcDialect dialect, String operation, SQLException e) {
        if (dialect == JdbcDialect.H2 && isH2FileInUse(e)) {
            return h2FileInUse(operation, e);
        }
        StringBuilder msg = new StringBuilder("canary store (").append(dialect.configName()).append("): ")
                .append(operation).append(" failed");
        if (e.getSQLState() != null) {
            msg.append(" [SQLState ").append(e.getSQLState()).append(']');
        }
        msg.append(": ").append(e.getMessage());
        if (isMissingTable(dialect, e)) {
            msg.append(" -- the canarykit tables are missing: call JdbcCanaryStore.migrate() once (the 'jdbc' provider"
                    + " does it unless canary.store.jdbc.migrate=false), or apply the scripts in classpath:")
                    .append(dialect.scriptLocation()).append(" with Flyway or Liquibase");
        }
        return new CanaryStoreException(msg.toString(), isRetryable(dialect, e), e);
    }

    private static String message(SQLException e) {
        return e.getMessage() == null ? "" : e.getMessage();
    }
}
