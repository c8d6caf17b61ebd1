package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.store.CanaryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Applies the versioned scripts under a lock and records each in {@code canary_schema_version}.
 *
 * <ul>
 *   <li>PostgreSQL: one transaction holding a transaction-scoped advisory lock (per schema); DDL is transactional, so
 *       a failing script leaves nothing behind.</li>
 *   <li>SQLite: one {@code BEGIN IMMEDIATE} transaction, which holds the database's write lock; DDL is transactional
 *       here too.</li>
 *   <li>H2: commits every DDL statement at once, so the lock is a row in {@code canary_schema_lock} and each script
 *       is recorded as soon as it has run. The scripts are idempotent ({@code IF NOT EXISTS}, guarded inserts): after
 *       a failure, fix the cause and call {@code migrate()} again.</li>
 * </ul>
 */
final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** First key of PostgreSQL's two-key advisory lock: "CANA". */
    private static final int PG_LOCK_KEY = 0x43414E41;
    private static final Duration LOCK_POLL = Duration.ofMillis(50);

    private final JdbcDialect dialect;
    private final DataSource dataSource;
    private final Clock clock;
    private final Duration lockTimeout;
    private final List<Migration> migrations;
    private final String location;
    private final Sql sql;

    SchemaMigrator(JdbcDialect dialect, DataSource dataSource, Clock clock, Duration lockTimeout,
                   List<Migration> migrations, String location) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.clock = clock;
        this.lockTimeout = lockTimeout;
        this.migrations = List.copyOf(migrations);
        this.location = location;
        this.sql = new Sql(dialect);
    }

    /** The version recorded in the database, 0 if it has none. */
    int currentVersion() {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                if (!tableExists(c, "canary_schema_version")) {
                    return 0;
                }
                return readVersion(c);
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, "reading the schema version", e);
        }
    }

    /** Brings the schema up to {@code target} (at most the latest known version). */
    MigrationResult migrate(int target) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                return switch (dialect) {
                    case POSTGRESQL -> migratePostgres(c, target);
                    case SQLITE -> migrateSqlite(c, target);
                    case H2 -> migrateH2(c, target);
                };
            } finally {
                restore(c, auto);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, "migrating the schema", e);
        }
    }

    private MigrationResult migratePostgres(Connection c, int target) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis()) + "ms'");
            s.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK_KEY + ", hashtext(coalesce(current_schema(), '')))");
            // under the lock: checked before it, another process's migration could commit between the two probes
            // (no version table yet, then its canary table) and this one would take it for a foreign schema
            refuseForeignSchema(c);
            MigrationResult result = apply(c, target);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollback(c);
            if ("55P03".equals(e instanceof SQLException se ? se.getSQLState() : null)) {
                throw lockNotTaken("another process is migrating this schema (PostgreSQL advisory lock)", e);
            }
            throw e;
        }
    }

    private MigrationResult migrateSqlite(Connection c, int target) throws SQLException {
        try (Statement s = c.createStatement()) {
            int busy = 0;
            try (ResultSet rs = s.executeQuery("PRAGMA busy_timeout")) {
                if (rs.next()) {
                    busy = rs.getInt(1);
                }
            }
            s.execute("PRAGMA busy_timeout = " + Math.max(1, lockTimeout.toMillis()));
            try {
                try {
                    s.execute("BEGIN IMMEDIATE");
                } catch (SQLException e) {
                    if (SqlErrors.isRetryable(dialect, e)) {
                        throw lockNotTaken("another connection holds the SQLite database's write lock", e);
                    }
                    throw e;
                }
                try {
                    refuseForeignSchema(c); // under the write lock, as for H2
                    MigrationResult result = apply(c, target);
                    s.execute("COMMIT");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        s.execute("ROLLBACK");
                    } catch (SQLException r) {
                        e.addSuppressed(r);
                    }
                    throw e;
                }
            } finally {
                s.execute("PRAGMA busy_timeout = " + busy);
            }
        }
    }

    private MigrationResult migrateH2(Connection c, int target) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS canary_schema_lock (id INTEGER NOT NULL PRIMARY KEY,"
                    + " locked_by VARCHAR(200) NOT NULL, locked_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)");
        }
        String owner = "pid " + ProcessHandle.current().pid() + " token " + UUID.randomUUID();
        acquireH2Lock(c, owner);
        try {
            // H2 commits DDL at once, so a concurrent migration can be seen half-way: look only under the lock
            refuseForeignSchema(c);
            return apply(c, target);
        } finally {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM canary_schema_lock WHERE id = 1 AND locked_by = ?")) {
                ps.setString(1, owner);
                ps.executeUpdate();
            }
        }
    }

    private void acquireH2Lock(Connection c, String owner) throws SQLException {
        long deadline = System.nanoTime() + lockTimeout.toNanos(); // elapsed time, not wall-clock time
        while (true) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO canary_schema_lock (id, locked_by, locked_at) VALUES (1, ?, ?)")) {
                ps.setString(1, owner);
                sql.setInstant(ps, 2, clock.instant());
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!SqlErrors.isUniqueViolation(dialect, e)) {
                    throw e;
                }
                if (System.nanoTime() - deadline > 0) {
                    String holder = "";
                    try (Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT locked_by, locked_at FROM canary_schema_lock WHERE id = 1")) {
                        if (rs.next()) {
                            holder = " (held by " + rs.getString(1) + " since " + sql.getInstant(rs, "locked_at") + ")";
                        }
                    }
                    throw lockNotTaken("another process holds the schema lock in table canary_schema_lock" + holder
                            + "; if no migration is running (a process died during one), release it with"
                            + " DELETE FROM canary_schema_lock", e);
                }
            }
            try {
                Thread.sleep(LOCK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CanaryStoreException("canary store (h2): interrupted while waiting for the schema lock", true, e);
            }
        }
    }

    /** Runs the pending scripts on {@code c}, in the transaction (if any) the caller opened. */
    private MigrationResult apply(Connection c, int target) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(versionTableDdl());
        }
        int current = readVersion(c);
        int latest = Migration.latest(migrations);
        if (current > latest) {
            throw new CanaryConfigurationException("the database's canarykit schema is at version " + current
                    + ", newer than this canarykit-store-jdbc knows (" + latest + "): upgrade canarykit; nothing was"
                    + " changed");
        }
        int reached = current;
        for (Migration m : migrations) {
            if (m.version() <= current || m.version() > target) {
                continue;
            }
            String resource = m.resource(location);
            String script = load(resource);
            List<String> statements = split(script);
            for (int i = 0; i < statements.size(); i++) {
                try (Statement s = c.createStatement()) {
                    s.execute(statements.get(i));
                } catch (SQLException e) {
                    throw new CanaryStoreException("canary store (" + dialect.configName() + "): schema version "
                            + m.version() + " (" + resource + ") failed at statement " + (i + 1) + " of "
                            + statements.size() + " [SQLState " + e.getSQLState() + "]: " + e.getMessage()
                            + (dialect == JdbcDialect.H2 ? "; H2 commits DDL at once, so earlier statements stay:"
                            + " fix the cause and call migrate() again (the scripts are idempotent)"
                            : "; the migration was rolled back, the schema is still at version " + current),
                            SqlErrors.isRetryable(dialect, e), e);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO canary_schema_version"
                    + " (version, description, script, checksum, installed_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setInt(1, m.version());
                ps.setString(2, m.description());
                ps.setString(3, resource);
                ps.setString(4, sha256(script));
                sql.setInstant(ps, 5, Sql.truncate(clock.instant()));
                ps.executeUpdate();
            }
            LOG.debug("canary store ({}): applied schema version {} ({})", dialect.configName(), m.version(), resource);
            reached = m.version();
        }
        return new MigrationResult(current, reached);
    }

    private String versionTableDdl() {
        String time = switch (dialect) {
            case POSTGRESQL -> "TIMESTAMPTZ";
            case H2 -> "TIMESTAMP(6) WITH TIME ZONE";
            case SQLITE -> "TEXT";
        };
        return "CREATE TABLE IF NOT EXISTS canary_schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                + " description VARCHAR(200) NOT NULL, script VARCHAR(300) NOT NULL, checksum VARCHAR(64) NOT NULL,"
                + " installed_at " + time + " NOT NULL)";
    }

    private void refuseForeignSchema(Connection c) throws SQLException {
        if (!tableExists(c, "canary_schema_version") && tableExists(c, "canary")) {
            throw new CanaryConfigurationException("the database already has a canary table but no"
                    + " canary_schema_version table: its canarykit schema is managed by another tool (Flyway, Liquibase"
                    + " or by hand from classpath:" + dialect.scriptLocation() + "). Keep managing it there and do not"
                    + " call migrate() (set canary.store.jdbc.migrate=false for the 'jdbc' provider); nothing was changed");
        }
    }

    private int readVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM canary_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Probes a table (on PostgreSQL without an error, which would abort the transaction it runs in). */
    private boolean tableExists(Connection c, String table) throws SQLException {
        if (dialect == JdbcDialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE 1 = 0")) {
            return rs.next();
        } catch (SQLException e) {
            if (SqlErrors.isMissingTable(dialect, e)) {
                return false;
            }
            throw e;
        }
    }

    private CanaryStoreException lockNotTaken(String what, Exception cause) {
        return new CanaryStoreException("canary store (" + dialect.configName() + "): could not take the schema"
                + " migration lock within " + lockTimeout + ": " + what, true, cause);
    }

    private void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback after a failed migration failed too", e);
        }
    }

    private static void restore(Connection c, boolean autoCommit) {
        try {
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit on a connection", e);
        }
    }

    private static String load(String resource) {
        // Class#getResourceAsStream, not the class loader's: on the module path the scripts are this module's own
        // (encapsulated) resources, which only the module's classes can read
        try (InputStream in = SchemaMigrator.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the"
                        + " canary-store-jdbc jar; the jar is damaged");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema script " + resource, e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Splits a script into statements at semicolons outside quotes and comments, dropping comments and blank
     * statements.
     */
    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char ch = script.charAt(i);
            if (ch == '\'' || ch == '"') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == ch) {
                        if (end + 1 < n && script.charAt(end + 1) == ch) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                current.append(script, i, Math.min(end + 1, n));
                i = end;
            } else if (ch == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                current.append('\n');
            } else if (ch == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
                current.append(' ');
            } else if (ch == ';') {
                addStatement(out, current);
            } else {
                current.append(ch);
            }
        }
        addStatement(out, current);
        return out;
    }

    private static void addStatement(List<String> out, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            out.add(statement);
        }
        current.setLength(0);
    }
}
