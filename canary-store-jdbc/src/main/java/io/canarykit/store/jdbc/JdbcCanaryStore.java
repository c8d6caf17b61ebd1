package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Secret;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.DuplicateCanaryException;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import io.canarykit.store.StoreEntry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link CanaryStore} over JDBC, for H2 (the embedded default), PostgreSQL and SQLite.
 *
 * <p>Build it over your own {@link DataSource} — a pooled one (HikariCP, your container's pool, H2's
 * {@code JdbcConnectionPool}): the store borrows a connection per operation and gives it back at once.
 *
 * <pre>{@code
 * JdbcCanaryStore store = JdbcCanaryStore.builder().dataSource(hikari).build();   // dialect read from the database
 * store.migrate();                                                                // once, at start-up
 * }</pre>
 *
 * <p>Or let the store open the database itself with {@link #open(String, String, Secret)} (or the {@code jdbc}
 * provider, configured by {@code canary.store.jdbc.url}, {@code .user} and {@code .password}), which uses a small
 * built-in pool and migrates.
 *
 * <p><b>Schema.</b> {@link #migrate()} applies the versioned scripts in {@link JdbcDialect#scriptLocation()} under a
 * lock and records them in {@code canary_schema_version}; or apply the same scripts with Flyway or Liquibase and never
 * call it. No column holds a secret.
 *
 * <p><b>Guarantees.</b> {@code create} is conditional on the id; {@code update} is a compare-and-set on the version.
 * Each writes the canary row and a {@link CanaryHistoryEntry} in one transaction: a failure rolls both back. Sightings
 * are unique by {@code (source, sourceEventId)} and must belong to a stored canary. Every field round-trips exactly,
 * with instants kept to the microsecond (the finest precision PostgreSQL stores): {@code create} and {@code update}
 * return the record as stored. Driver errors become {@link CanaryStoreException}s whose {@code retryable()} is true
 * for transient failures (lost connection, lock timeout, serialization failure, busy SQLite database).
 *
 * <p><b>Durability.</b> {@code create} and {@code update} return only once the write is in the database's files (so a
 * process killed right after an intent was recorded, before its AWS call, keeps it): PostgreSQL commits durably, SQLite
 * commits synchronously by default, and H2, which otherwise writes up to 500 ms later, is flushed after every write
 * ({@code CHECKPOINT}): canaries, sightings, checkpoints and conditional entries alike.
 *
 * <p><b>Conditional entries</b> live in {@code canary_entry} (schema 3). Set-if-absent is one insert that does nothing
 * on conflict (on H2: an insert whose unique violation means "present"); replace- and delete-if-equal are one
 * {@code UPDATE}/{@code DELETE ... WHERE entry_key = ? AND entry_value = ?}, which every dialect evaluates atomically
 * against concurrent writers (PostgreSQL and H2 re-check the condition on the row they lock; SQLite has one writer).
 * Each is a single auto-committed statement, so an entry written is on disk when the call returns as durably as any
 * other write of the database.
 *
 * <p><b>SQLite</b> allows one writer at a time and, unless in WAL mode, no reader while a writer commits: this store
 * queues its own operations fairly (readers together, writers alone) and relies on the connection's
 * {@code busy_timeout} (sqlite-jdbc: 3 s by default) only against other processes. WAL mode
 * ({@code journal_mode=WAL}) lets other processes read while one writes.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcCanaryStore implements CanaryStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcCanaryStore.class);

    private final DataSource dataSource;
    private final JdbcDialect dialect;
    private final Clock clock;
    private final Sql sql;
    private final Rows rows;
    private final SchemaMigrator migrator;
    private final List<Migration> migrations;
    private final @Nullable AutoCloseable owned;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * SQLite has one writer at a time per database and, in its default rollback-journal mode, shuts readers out while
     * a writer commits. Its busy handler polls and is not fair: under steady writes a waiting writer or reader can miss
     * every gap until its busy timeout runs out. Operations through this store queue here instead, in arrival order:
     * readers share, a writer goes alone.
     */
    private final ReentrantReadWriteLock sqliteQueue = new ReentrantReadWriteLock(true);
    /** The queues of the H2 databases stores in this JVM have used; see {@link #h2Queue(String)}. */
    private static final ConcurrentMap<String, ReentrantReadWriteLock> H2_QUEUES = new ConcurrentHashMap<>();
    /** This store's entry of {@link #H2_QUEUES}, found on its first operation. */
    private volatile @Nullable ReentrantReadWriteLock h2Queue;
    /** H2's error code for a statement that needs admin rights. */
    private static final int H2_ADMIN_RIGHTS_REQUIRED = 90040;
    /** Whether H2 commits are flushed to the file ({@code CHECKPOINT}); off once the user turns out not to be allowed. */
    private final AtomicBoolean h2Flush = new AtomicBoolean(true);

    private JdbcCanaryStore(Builder b, JdbcDialect dialect) {
        this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource"); // build() checked it
        this.dialect = dialect;
        this.clock = b.clock;
        this.sql = new Sql(dialect);
        this.rows = new Rows(sql);
        this.migrations = b.migrations;
        this.migrator = new SchemaMigrator(dialect, this.dataSource, b.clock, b.migrationLockTimeout, b.migrations,
                b.scriptLocation != null ? b.scriptLocation : dialect.scriptLocation());
        this.owned = b.owned;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the database at a JDBC URL with a small built-in connection pool (at most 10 connections), migrates its
     * schema, and returns a store that closes the pool on {@link #close()}. The dialect comes from the URL's
     * database. Prefer {@link #builder()} with your own pooled {@link DataSource} in applications that have one.
     *
     * @param url      a JDBC URL such as {@code jdbc:h2:file:./canary/store}, {@code jdbc:postgresql://db/canary} or
     *                 {@code jdbc:sqlite:/var/lib/canary/store.db}; do not put a password in it
     * @param user     the database user, or {@code null}
     * @param password the password, or {@code null}; never logged or put in a message
     * @throws CanaryConfigurationException if no driver accepts the URL or the database is not supported
     * @throws CanaryStoreException         if the database cannot be reached or migrated
     */
    public static JdbcCanaryStore open(String url, @Nullable String user, @Nullable Secret password) {
        return open(url, user, password, null, true, PooledDataSource.DEFAULT_MAX_SIZE, PooledDataSource.DEFAULT_TIMEOUT);
    }

    static JdbcCanaryStore open(String url, @Nullable String user, @Nullable Secret password, @Nullable JdbcDialect dialect, boolean migrate,
                                int poolSize, Duration connectionTimeout) {
        PooledDataSource pool = new PooledDataSource(url, user, password, poolSize, connectionTimeout);
        try {
            JdbcCanaryStore store = builder().dataSource(pool).dialect(dialect).owned(pool).build();
            if (migrate) {
                store.migrate();
            }
            return store;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The latest schema version this library knows (and {@link #migrate()} brings a database to). */
    public static int latestSchemaVersion() {
        return Migration.latest(Migration.ALL);
    }

    /** The database this store speaks to. */
    public JdbcDialect dialect() {
        return dialect;
    }

    /**
     * Brings the database's schema to {@link #latestSchemaVersion()}, applying each missing script once, under a lock
     * so that several processes starting together migrate once. Safe to call at every start.
     *
     * @return the versions before and after
     * @throws CanaryConfigurationException if the database's schema is newer than this library, or was created by
     *                                      another tool (Flyway, Liquibase) without canarykit's version table
     * @throws CanaryStoreException         if a script fails (on PostgreSQL and SQLite nothing of it remains; on H2,
     *                                      which commits DDL at once, fix the cause and call it again) or the lock
     *                                      cannot be taken in time (retryable)
     */
    public MigrationResult migrate() {
        return migrateTo(Migration.latest(migrations));
    }

    MigrationResult migrateTo(int target) {
        MigrationResult result = migrator.migrate(target);
        LOG.debug("canary store ({}): schema at version {} (was {})", dialect.configName(), result.toVersion(),
                result.fromVersion());
        return result;
    }

    /** The schema version recorded in the database, 0 if {@link #migrate()} never ran there. */
    public int schemaVersion() {
        return migrator.currentVersion();
    }

    @Override
    public CanaryRecord create(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        CanaryRecord stored = Rows.normalize(record).withVersion(1);
        Instant now = clock.instant();
        transaction("create canary " + stored.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.insertCanary)) {
                rows.bindInsert(ps, stored);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (SqlErrors.isUniqueViolation(dialect, e)) {
                    throw new DuplicateCanaryException(stored.id());
                }
                throw e;
            }
            insertHistory(c, stored, now);
            return stored; // the transaction's result is not used
        });
        LOG.debug("canary store ({}): created canary {}", dialect.configName(), stored.id());
        return stored;
    }

    @Override
    public CanaryRecord update(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        long expected = record.version();
        CanaryRecord stored = Rows.normalize(record).withVersion(expected + 1);
        Instant now = clock.instant();
        transaction("update canary " + stored.id(), c -> {
            int changed;
            try (PreparedStatement ps = c.prepareStatement(sql.updateCanary)) {
                ps.setLong(1, stored.version());
                int next = rows.bindFields(ps, 2, stored);
                ps.setString(next, stored.id().value());
                ps.setLong(next + 1, expected);
                changed = ps.executeUpdate();
            }
            if (changed == 0) {
                Long current = currentVersion(c, stored.id());
                if (current == null) {
                    throw new CanaryNotFoundException(stored.id());
                }
                throw new StaleVersionException(stored.id(), expected, "version " + current);
            }
            try {
                insertHistory(c, stored, now);
            } catch (SQLException e) {
                if (SqlErrors.isUniqueViolation(dialect, e)) {
                    // The row said version `expected` but the history already holds the next one: a committed update
                    // was lost (H2 did so before its operations were queued; see h2Queue) or the tables were
                    // edited by hand. A retry would meet the same entry forever, so this is not a stale version.
                    throw new CanaryStoreException("canary store (" + dialect.configName() + "): cannot update canary "
                            + stored.id() + " to version " + stored.version() + ": its history already holds that"
                            + " version while the canary row is at version " + expected + ", so the database lost a"
                            + " committed update or its tables were changed outside canarykit; nothing was written."
                            + " Compare the row with canary_history and repair it, or restore the database from a"
                            + " backup", false, e);
                }
                throw e;
            }
            return stored; // the transaction's result is not used
        });
        LOG.debug("canary store ({}): updated canary {} to version {}", dialect.configName(), stored.id(),
                stored.version());
        return stored;
    }

    @Override
    public Optional<CanaryRecord> find(CanaryId id) {
        Objects.requireNonNull(id, "id");
        List<CanaryRecord> found = query("find canary " + id, sql.selectById, id.value());
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<CanaryRecord> findByAccessKeyId(String accessKeyId) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        return query("find canaries by access key id", sql.selectByAccessKeyId, accessKeyId);
    }

    @Override
    public List<CanaryRecord> findByPrincipalName(String principalName) {
        Objects.requireNonNull(principalName, "principalName");
        return query("find canaries by principal name", sql.selectByPrincipalName, principalName);
    }

    @Override
    public List<CanaryRecord> findByAsset(String assetKind, String assetId) {
        Objects.requireNonNull(assetKind, "assetKind");
        Objects.requireNonNull(assetId, "assetId");
        return query("find canaries by asset", sql.selectByAsset, assetKind, assetId);
    }

    @Override
    public Page<CanaryRecord> list(CanaryQuery query) {
        Objects.requireNonNull(query, "query");
        List<CanaryStatus> statuses = new ArrayList<>(query.statuses());
        statuses.sort(Comparator.naturalOrder());
        List<Object> params = new ArrayList<>();
        statuses.forEach(s -> params.add(s.name()));
        if (query.accountId() != null) {
            params.add(query.accountId());
        }
        if (query.kind() != null) {
            params.add(query.kind().name());
        }
        if (query.cursor() != null) {
            params.add(CanaryId.parse(query.cursor()).value());
        }
        params.add(query.limit() + 1);
        String text = sql.list(statuses.size(), query.accountId() != null, query.kind() != null, query.cursor() != null);
        List<CanaryRecord> found = query("list canaries", text, params.toArray());
        if (found.size() <= query.limit()) {
            return new Page<>(found, null);
        }
        List<CanaryRecord> items = found.subList(0, query.limit());
        return new Page<>(items, items.get(items.size() - 1).id().value());
    }

    @Override
    public long countLive(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return withConnection("count live canaries", false, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.countLive)) {
                ps.setString(1, accountId);
                for (int i = 0; i < Sql.LIVE.size(); i++) {
                    ps.setString(i + 2, Sql.LIVE.get(i).name());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws CanaryNotFoundException if the store holds no canary with the sighting's canary id
     */
    @Override
    public boolean addSighting(Sighting sighting) {
        Objects.requireNonNull(sighting, "sighting");
        if (sighting.canaryId() == null) {
            throw new IllegalArgumentException("sighting " + sighting.source() + "/" + sighting.sourceEventId()
                    + " is not matched to a canary: set its canaryId before storing it");
        }
        Sighting stored = Rows.normalize(sighting);
        boolean added = withConnection("add sighting " + stored.source() + "/" + stored.sourceEventId(), true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.insertSighting)) {
                rows.bindSighting(ps, stored);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if (dialect == JdbcDialect.H2 && SqlErrors.isUniqueViolation(dialect, e)) {
                    return false;
                }
                if (SqlErrors.isForeignKeyViolation(dialect, e)) {
                    throw new CanaryNotFoundException(Objects.requireNonNull(stored.canaryId(), "canaryId")); // checked on entry
                }
                throw e;
            }
        });
        LOG.debug("canary store ({}): sighting {}/{} of canary {}: {}", dialect.configName(), stored.source(),
                stored.sourceEventId(), stored.canaryId(), added ? "stored" : "already known");
        return added;
    }

    @Override
    public List<Sighting> sightings(CanaryId id) {
        Objects.requireNonNull(id, "id");
        return withConnection("read sightings of canary " + id, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.selectSightings)) {
                ps.setString(1, id.value());
                List<Sighting> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rows.readSighting(rs));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    /**
     * Every version the store wrote of a canary, oldest first (empty for an unknown id).
     *
     * @throws CanaryStoreException if the database fails
     */
    public List<CanaryHistoryEntry> history(CanaryId id) {
        Objects.requireNonNull(id, "id");
        return withConnection("read history of canary " + id, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.selectHistory)) {
                ps.setString(1, id.value());
                List<CanaryHistoryEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CanaryHistoryEntry(new CanaryId(rs.getString("canary_id")), rs.getLong("version"),
                                CanaryStatus.valueOf(rs.getString("status")), rs.getString("access_key_id"),
                                Objects.requireNonNull(sql.getInstant(rs, "recorded_at"), "recorded_at")));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    @Override
    public Optional<String> checkpoint(String key) {
        Objects.requireNonNull(key, "key");
        return withConnection("read checkpoint " + key, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.selectCheckpoint)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void saveCheckpoint(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Instant now = Sql.truncate(clock.instant());
        withConnection("save checkpoint " + key, true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.upsertCheckpoint)) {
                ps.setString(1, key);
                ps.setString(2, value);
                sql.setInstant(ps, 3, now);
                ps.executeUpdate();
            }
            return key; // the result is not used
        });
    }

    @Override
    public Optional<StoreEntry> entry(String key) {
        StoreEntry.checkKey(key);
        return withConnection("read entry " + key, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.selectEntry)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<StoreEntry>empty();
                    }
                    return Optional.of(new StoreEntry(key, rs.getString(1), sql.getInstant(rs, "expires_at")));
                }
            }
        });
    }

    @Override
    public boolean putEntryIfAbsent(StoreEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Instant now = Sql.truncate(clock.instant());
        return withConnection("put entry " + entry.key() + " if absent", true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.insertEntry)) {
                ps.setString(1, entry.key());
                ps.setString(2, entry.value());
                sql.setInstant(ps, 3, entry.expiresAt());
                sql.setInstant(ps, 4, now);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if (dialect == JdbcDialect.H2 && SqlErrors.isUniqueViolation(dialect, e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean replaceEntry(String expectedValue, StoreEntry replacement) {
        Objects.requireNonNull(expectedValue, "expectedValue");
        Objects.requireNonNull(replacement, "replacement");
        Instant now = Sql.truncate(clock.instant());
        return withConnection("replace entry " + replacement.key(), true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.replaceEntry)) {
                ps.setString(1, replacement.value());
                sql.setInstant(ps, 2, replacement.expiresAt());
                sql.setInstant(ps, 3, now);
                ps.setString(4, replacement.key());
                ps.setString(5, expectedValue);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean deleteEntry(String key, String expectedValue) {
        StoreEntry.checkKey(key);
        Objects.requireNonNull(expectedValue, "expectedValue");
        return withConnection("delete entry " + key, true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.deleteEntry)) {
                ps.setString(1, key);
                ps.setString(2, expectedValue);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int purgeExpiredEntries(Instant now) {
        Objects.requireNonNull(now, "now");
        int purged = withConnection("purge expired entries", true, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.purgeEntries)) {
                sql.setInstant(ps, 1, now);
                return ps.executeUpdate();
            }
        });
        LOG.debug("canary store ({}): purged {} expired entries", dialect.configName(), purged);
        return purged;
    }

    /** Closes the connection pool if the store opened it ({@link #open}); a caller's DataSource is left alone. */
    @Override
    public void close() {
        if (owned != null && closed.compareAndSet(false, true)) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("canary store ({}): closing its connection pool failed", dialect.configName(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcCanaryStore[" + dialect.configName() + "]";
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private void insertHistory(Connection c, CanaryRecord stored, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.insertHistory)) {
            ps.setString(1, stored.id().value());
            ps.setLong(2, stored.version());
            ps.setString(3, stored.status().name());
            ps.setString(4, stored.accessKeyId());
            sql.setInstant(ps, 5, Sql.truncate(now));
            ps.executeUpdate();
        }
    }

    private @Nullable Long currentVersion(Connection c, CanaryId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.selectVersion)) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private List<CanaryRecord> query(String operation, String text, Object... params) {
        return withConnection(operation, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                for (int i = 0; i < params.length; i++) {
                    if (params[i] instanceof Integer n) {
                        ps.setInt(i + 1, n);
                    } else {
                        ps.setString(i + 1, (String) params[i]);
                    }
                }
                List<CanaryRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rows.readCanary(rs));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    /**
     * Work on one connection in auto-commit mode. On SQLite and H2 it queues (see {@link #enqueue}), and on SQLite a
     * {@code write} turns foreign keys on first.
     */
    private <T> T withConnection(String operation, boolean write, SqlWork<T> work) {
        Lock queued = enqueue(operation, write);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                if (!autoCommit) {
                    c.setAutoCommit(true);
                }
                if (write && dialect == JdbcDialect.SQLITE) {
                    execute(c, "PRAGMA foreign_keys = ON");
                }
                T result = work.run(c);
                if (write && dialect == JdbcDialect.H2) {
                    flushH2(c, operation);
                }
                return result;
            } finally {
                restore(c, autoCommit);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, operation, e);
        } finally {
            if (queued != null) {
                queued.unlock();
            }
        }
    }

    /**
     * On SQLite and H2 every operation queues: readers share, a writer goes alone ({@link #sqliteQueue},
     * {@link #h2Queue}). Returns the lock to release afterwards, or {@code null} where nothing queues (PostgreSQL).
     */
    private @Nullable Lock enqueue(String operation, boolean write) {
        ReentrantReadWriteLock queue = switch (dialect) {
            case SQLITE -> sqliteQueue;
            case H2 -> h2Queue(operation);
            case POSTGRESQL -> null;
        };
        if (queue == null) {
            return null;
        }
        Lock lock = write ? queue.writeLock() : queue.readLock();
        try {
            lock.lockInterruptibly();
            return lock;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryStoreException("canary store (" + dialect.configName() + "): " + operation
                    + " interrupted while queued behind another operation", true, e);
        }
    }

    /**
     * The queue of this store's H2 database, shared by every store in this JVM over that database (keyed by H2's
     * {@code DATABASE_PATH()}, or the URL of an in-memory one).
     *
     * <p>H2 (2.3.232 and 2.5.252 alike) loses committed updates when a commit is written to the file (the
     * {@code CHECKPOINT} after each write, or {@code WRITE_DELAY=0}) while other sessions read and write: in the racing
     * compare-and-set test a canary row went back several versions while its history kept them, in 2-3% of runs under
     * CPU load; with only the writers queued it still did; with readers kept out too, 0 of 300 runs; in memory, or
     * without flushing each commit, 0 of 300. The flush is what makes a write durable, so on H2 a write goes alone.
     */
    private ReentrantReadWriteLock h2Queue(String operation) {
        ReentrantReadWriteLock queue = h2Queue;
        if (queue != null) {
            return queue;
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DATABASE_PATH()")) {
            String path = rs.next() ? rs.getString(1) : null;
            String key = path != null ? "file:" + path : "url:" + c.getMetaData().getURL();
            queue = H2_QUEUES.computeIfAbsent(key, k -> new ReentrantReadWriteLock(true));
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, operation, e);
        }
        h2Queue = queue;
        return queue;
    }

    /**
     * Work in one transaction: committed if it returns, rolled back completely if it throws. SQLite transactions
     * begin IMMEDIATE (taking the write lock first, so that two writers wait for each other instead of failing).
     */
    private <T> T transaction(String operation, SqlWork<T> work) {
        Lock queued = enqueue(operation, true);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                if (dialect == JdbcDialect.SQLITE) {
                    if (!autoCommit) {
                        c.setAutoCommit(true);
                    }
                    execute(c, "PRAGMA foreign_keys = ON");
                    execute(c, "BEGIN IMMEDIATE");
                } else if (autoCommit) {
                    c.setAutoCommit(false);
                }
                T result;
                try {
                    result = work.run(c);
                    if (dialect == JdbcDialect.SQLITE) {
                        execute(c, "COMMIT");
                    } else {
                        c.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                }
                if (dialect == JdbcDialect.H2) {
                    flushH2(c, operation);
                }
                return result;
            } finally {
                restore(c, autoCommit);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, operation, e);
        } finally {
            if (queued != null) {
                queued.unlock();
            }
        }
    }

    /** Rolls back; a failure to do so (SQLite may have ended the transaction itself) is added to {@code cause}. */
    private void rollback(Connection c, Exception cause) {
        try {
            if (dialect == JdbcDialect.SQLITE) {
                execute(c, "ROLLBACK");
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            cause.addSuppressed(e);
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

    /**
     * H2 writes committed transactions to its file in the background, up to its write delay (500 ms) later: a process
     * killed in between loses them. A write that comes before an AWS call (an intent) must be on disk when the store
     * returns, so every committed transaction is flushed to the file ({@code CHECKPOINT}) before returning. A failing
     * flush is reported as a failure of the operation (the transaction itself is committed; callers read back what they
     * are unsure of).
     */
    private void flushH2(Connection c, String operation) throws SQLException {
        if (!h2Flush.get()) {
            return;
        }
        try {
            execute(c, "CHECKPOINT");
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_ADMIN_RIGHTS_REQUIRED) {
                // a user without admin rights cannot flush: say so once, keep working as H2 is configured
                h2Flush.set(false);
                LOG.warn("canary store (h2): the database user may not run CHECKPOINT, so writes reach the file up to"
                        + " H2's write delay later and a crash right after one can lose it; connect as the database's"
                        + " admin user, or set WRITE_DELAY=0 on the database");
                return;
            }
            throw new SQLException("committed, but flushing it to the database file failed (" + operation + ")",
                    e.getSQLState(), e.getErrorCode(), e);
        }
    }

    private static void execute(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static JdbcDialect detect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            JdbcDialect dialect = JdbcDialect.fromProductName(meta.getDatabaseProductName());
            int major = meta.getDatabaseMajorVersion();
            int minor = meta.getDatabaseMinorVersion();
            String version = meta.getDatabaseProductVersion();
            boolean supported = switch (dialect) {
                case H2 -> major >= 2;
                case POSTGRESQL -> major >= 10;
                case SQLITE -> major > 3 || (major == 3 && minor >= 24);
            };
            if (!supported) {
                throw new CanaryConfigurationException("the canarykit JDBC store needs H2 2.x, PostgreSQL 10+ or"
                        + " SQLite 3.24+, but the DataSource connects to " + meta.getDatabaseProductName() + " "
                        + version + ": upgrade the database or its driver");
            }
            return dialect;
        } catch (SQLException e) {
            if (SqlErrors.isH2FileInUse(e)) {
                throw SqlErrors.h2FileInUse("opening the store", e);
            }
            throw new CanaryStoreException("canary store: cannot connect to the database [SQLState " + e.getSQLState()
                    + "]: " + e.getMessage() + "; check that the database server is running and reachable and that"
                    + " the JDBC URL, user and password are right", SqlErrors.isRetryable(null, e), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Builder for {@link JdbcCanaryStore}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private @Nullable JdbcDialect dialect;
        private Clock clock = Clock.systemUTC();
        private Duration migrationLockTimeout = Duration.ofMinutes(1);
        private List<Migration> migrations = Migration.ALL;
        private @Nullable String scriptLocation;
        private @Nullable AutoCloseable owned;

        Builder() {
        }

        /**
         * The database (required). Pass a pooled DataSource: the store takes a connection per operation. The store
         * never closes it.
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The dialect; {@code null} (the default) reads it from the database's metadata when building. */
        public Builder dialect(@Nullable JdbcDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /** The clock for history and checkpoint times; {@link Clock#systemUTC()} by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link JdbcCanaryStore#migrate()} waits for another migrator's lock; one minute by default. */
        public Builder migrationLockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("migration lock timeout must be positive, was " + timeout);
            }
            this.migrationLockTimeout = timeout;
            return this;
        }

        /** Tests: other scripts in another class-path folder. */
        Builder migrations(List<Migration> migrations, String location) {
            this.migrations = List.copyOf(migrations);
            this.scriptLocation = location;
            return this;
        }

        Builder owned(AutoCloseable resource) {
            this.owned = resource;
            return this;
        }

        /**
         * Builds the store. Without an explicit dialect this opens one connection to read the database's type.
         *
         * @throws CanaryConfigurationException if no DataSource was set or the database is not supported
         * @throws CanaryStoreException         if the dialect must be read and the database cannot be reached
         */
        public JdbcCanaryStore build() {
            if (dataSource == null) {
                throw new CanaryConfigurationException("JdbcCanaryStore needs a DataSource: call dataSource(...) with"
                        + " a pooled DataSource (HikariCP, H2's JdbcConnectionPool, ...), or use JdbcCanaryStore.open(url,"
                        + " user, password)");
            }
            return new JdbcCanaryStore(this, dialect != null ? dialect : detect(dataSource));
        }
    }
}
