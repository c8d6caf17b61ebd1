package io.canarykit.store.jdbc;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.PlacementReceipt;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.DuplicateCanaryException;
import io.canarykit.store.StaleVersionException;
import io.canarykit.testkit.store.CanaryFixtures;
import io.canarykit.testkit.store.CanaryStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract plus what the JDBC store promises beyond it (schema migrations, history, transactions, error
 * mapping), run against one database per subclass. Every test gets a fresh, empty database (or schema).
 */
abstract class JdbcStoreContract extends CanaryStoreContract {
    /** The store's clock in these tests. */
    protected static final Instant NOW = Instant.parse("2026-11-28T12:00:00.123456Z");
    protected final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private final List<AutoCloseable> cleanups = new ArrayList<>();
    /** The database of the store the contract is testing. */
    protected DataSource dataSource;

    /** A new, empty database or schema; register how to drop it with {@link #onClose}. */
    protected abstract DataSource freshDatabase();

    /** The dialect the subclass's database must be detected as. */
    protected abstract JdbcDialect dialect();

    /** Takes the schema-migration lock of {@code ds} the way another process would, until the handle is closed. */
    protected abstract AutoCloseable holdMigrationLock(DataSource ds) throws Exception;

    protected void onClose(AutoCloseable cleanup) {
        cleanups.add(cleanup);
    }

    @Override
    protected CanaryStore newStore() {
        dataSource = freshDatabase();
        JdbcCanaryStore s = storeOver(dataSource);
        s.migrate();
        return s;
    }

    protected JdbcCanaryStore storeOver(DataSource ds) {
        return JdbcCanaryStore.builder().dataSource(ds).clock(clock).build();
    }

    protected JdbcCanaryStore jdbc() {
        return (JdbcCanaryStore) store;
    }

    @AfterEach
    void dropDatabases() throws Exception {
        Collections.reverse(cleanups);
        for (AutoCloseable c : cleanups) {
            c.close();
        }
        cleanups.clear();
    }

    // ------------------------------------------------------------------------------------------ set-up

    @Test
    void dialectIsReadFromTheDatabase() {
        assertThat(jdbc().dialect()).isEqualTo(dialect());
        assertThat(jdbc().toString()).isEqualTo("JdbcCanaryStore[" + dialect().configName() + "]");
    }

    @Test
    void migrateIsIdempotent() {
        assertThat(jdbc().schemaVersion()).isEqualTo(JdbcCanaryStore.latestSchemaVersion()).isEqualTo(3);
        MigrationResult again = jdbc().migrate();
        assertThat(again).isEqualTo(new MigrationResult(3, 3));
        assertThat(again.changed()).isFalse();
        assertThat(count("SELECT COUNT(*) FROM canary_schema_version")).isEqualTo(3);
    }

    @Test
    void noColumnCanHoldASecret() throws SQLException {
        for (String table : List.of("canary", "canary_sighting", "canary_checkpoint", "canary_history", "canary_entry")) {
            for (String column : columns(table)) {
                assertThat(column.toLowerCase()).as(table + "." + column)
                        .doesNotContain("secret").doesNotContain("token").doesNotContain("password");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ round trips

    @Test
    void instantsAreKeptToTheMicrosecondAndCreateReturnsWhatFindReads() {
        Instant nanos = Instant.parse("2026-11-28T10:00:00.123456789Z");
        CanaryRecord r = fixtures.active().toBuilder().createdAt(nanos).issuedAt(nanos.plusNanos(1))
                .triggeredAt(nanos.plusSeconds(5)).closedAt(nanos.plusSeconds(6)).status(CanaryStatus.REVOKED)
                .receipt(new PlacementReceipt("env", "/ci/.env", Map.of("var", "AWS_ACCESS_KEY_ID"), nanos))
                .selfUses(List.of(new SelfUse("GetCallerIdentity", nanos, null, null)))
                .replaces(CanaryId.generate(CanaryFixtures.BASE, new Random(3)))
                .replacedBy(CanaryId.generate(CanaryFixtures.BASE, new Random(4)))
                .build();

        CanaryRecord stored = store.create(r);

        Instant micros = Instant.parse("2026-11-28T10:00:00.123456Z");
        assertThat(stored.createdAt()).isEqualTo(micros);
        assertThat(stored.issuedAt()).isEqualTo(micros);
        assertThat(stored.receipt().placedAt()).isEqualTo(micros);
        assertThat(stored.selfUses().get(0).at()).isEqualTo(micros);
        assertThat(store.find(r.id())).contains(stored);

        Sighting s = fixtures.sighting(stored, "nano-event", nanos);
        store.addSighting(s);
        assertThat(store.sightings(r.id())).containsExactly(new Sighting(s.source(), s.sourceEventId(), micros,
                s.kind(), s.service(), s.call(), s.region(), s.sourceIp(), s.userAgent(), s.errorCode(),
                s.accessKeyId(), s.principalArn(), s.requestId(), s.canaryId()));
    }

    @Test
    void attackerControlledSightingFieldsAreKeptWhole() {
        CanaryRecord c = store.create(fixtures.active());
        String longAgent = "Mozilla/5.0 ".repeat(2_000) + "☃ 𝔘 \"quoted\" 'single' ; DROP TABLE canary; --";
        Sighting s = Sighting.builder().source("cloudtrail-s3").sourceEventId("evt-long").time(CanaryFixtures.BASE)
                .userAgent(longAgent).sourceIp("not-an-ip.amazonaws.com").errorCode("Client.UnauthorizedOperation")
                .service("ec2.amazonaws.com").call("DescribeInstances").region("ap-southeast-4")
                .principalArn("arn:aws:iam::111122223333:user/" + "x".repeat(3000)).canaryId(c.id()).build();

        assertThat(store.addSighting(s)).isTrue();
        assertThat(store.sightings(c.id())).containsExactly(s);
        assertThat(store.find(c.id())).isPresent();
    }

    @Test
    void sightingOfACanaryTheStoreDoesNotHoldIsRefused() {
        CanaryRecord never = fixtures.active();
        Sighting s = fixtures.sighting(never, "orphan", CanaryFixtures.BASE);

        assertThatThrownBy(() -> store.addSighting(s)).isInstanceOf(CanaryNotFoundException.class)
                .hasMessageContaining(never.id().value());
        assertThat(store.sightings(never.id())).isEmpty();
    }

    @Test
    void listRejectsACursorThatIsNoCanaryId() {
        assertThatThrownBy(() -> store.list(CanaryQuery.all().after("'; DROP TABLE canary; --")))
                .isInstanceOf(CanaryConfigurationException.class);
    }

    // ------------------------------------------------------------------------------------------ history & transactions

    @Test
    void everyCreateAndUpdateAddsAHistoryEntry() {
        CanaryRecord v1 = store.create(fixtures.active());
        CanaryRecord v2 = store.update(v1.withStatus(CanaryStatus.TRIGGERED));
        store.update(v2.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());

        Instant at = Instant.parse("2026-11-28T12:00:00.123456Z");
        assertThat(jdbc().history(v1.id())).containsExactly(
                new CanaryHistoryEntry(v1.id(), 1, CanaryStatus.ACTIVE, v1.accessKeyId(), at),
                new CanaryHistoryEntry(v1.id(), 2, CanaryStatus.TRIGGERED, v1.accessKeyId(), at),
                new CanaryHistoryEntry(v1.id(), 3, CanaryStatus.REVOKED, v1.accessKeyId(), at));
        assertThat(jdbc().history(CanaryId.generate(CanaryFixtures.BASE, new Random(9)))).isEmpty();
    }

    @Test
    void aFailedHistoryWriteRollsTheCreateBack() {
        JdbcCanaryStore faulty = storeOver(Faults.failingStatements(dataSource, sql -> sql.contains("canary_history")));
        CanaryRecord r = fixtures.active();

        assertThatThrownBy(() -> faulty.create(r)).isInstanceOf(CanaryStoreException.class)
                .isNotInstanceOf(DuplicateCanaryException.class).hasMessageContaining("injected failure");

        assertThat(store.find(r.id())).isEmpty();
        assertThat(store.findByAccessKeyId(r.accessKeyId())).isEmpty();
        assertThat(store.create(r)).isEqualTo(r.withVersion(1)); // nothing was left that blocks the id
    }

    @Test
    void aFailedHistoryWriteRollsTheUpdateBack() {
        CanaryRecord v1 = store.create(fixtures.active());
        JdbcCanaryStore faulty = storeOver(Faults.failingStatements(dataSource, sql -> sql.contains("canary_history")));

        assertThatThrownBy(() -> faulty.update(v1.withStatus(CanaryStatus.TRIGGERED)))
                .isInstanceOf(CanaryStoreException.class).hasMessageContaining("injected failure");

        assertThat(store.find(v1.id())).contains(v1);
        assertThat(jdbc().history(v1.id())).hasSize(1);
        assertThat(store.update(v1.withStatus(CanaryStatus.TRIGGERED)).version()).isEqualTo(2);
    }

    @Test
    void anUpdateWhoseVersionIsAlreadyInTheHistoryIsReportedAsALostUpdateAndChangesNothing() throws SQLException {
        // What H2 left behind when it lost a committed update (CI, before its writers were queued): the row one or
        // more versions behind its history. A retry would meet the same entry forever, so this is no stale version.
        CanaryRecord v1 = store.create(fixtures.active());
        Sql sql = new Sql(dialect());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.insertHistory)) {
            ps.setString(1, v1.id().value());
            ps.setLong(2, 2);
            ps.setString(3, CanaryStatus.TRIGGERED.name());
            ps.setString(4, v1.accessKeyId());
            sql.setInstant(ps, 5, NOW);
            ps.executeUpdate();
        }

        assertThatThrownBy(() -> store.update(v1.withStatus(CanaryStatus.REVOKED)))
                .isInstanceOf(CanaryStoreException.class).isNotInstanceOf(StaleVersionException.class)
                .hasMessageContaining(v1.id().value())
                .hasMessageContaining("history already holds that version while the canary row is at version 1")
                .hasMessageContaining("restore the database from a backup")
                .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isFalse());

        assertThat(store.find(v1.id())).contains(v1);
        assertThat(jdbc().history(v1.id())).extracting(CanaryHistoryEntry::status)
                .containsExactly(CanaryStatus.ACTIVE, CanaryStatus.TRIGGERED);
    }

    // ------------------------------------------------------------------------------------------ errors

    @Test
    void aRowChangedOutsideCanarykitIsReportedNotGuessed() throws SQLException {
        CanaryRecord r = store.create(fixtures.active());
        execute(dataSource, "UPDATE canary SET attributes = '{not json' WHERE id = '" + r.id().value() + "'");

        assertThatThrownBy(() -> store.find(r.id())).isInstanceOf(CanaryStoreException.class)
                .hasMessageContaining(r.id().value()).hasMessageContaining("attributes")
                .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isFalse());
    }

    @Test
    void aDatabaseWithoutTheSchemaSaysHowToCreateIt() {
        JdbcCanaryStore bare = storeOver(freshDatabase());

        assertThat(bare.schemaVersion()).isZero();
        assertThatThrownBy(() -> bare.find(CanaryId.generate(CanaryFixtures.BASE, new Random(5))))
                .isInstanceOf(CanaryStoreException.class).hasMessageContaining("migrate()")
                .hasMessageContaining(dialect().scriptLocation())
                .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isFalse());
    }

    // ------------------------------------------------------------------------------------------ migrations

    @Test
    void upgradingFromSchemaOneKeepsEveryRecordAndBackfillsHistory() throws SQLException {
        DataSource ds = freshDatabase();
        JdbcCanaryStore old = storeOver(ds);
        assertThat(old.migrateTo(1)).isEqualTo(new MigrationResult(0, 1));
        assertThat(old.schemaVersion()).isEqualTo(1);

        // what canarykit with schema 1 wrote: canary rows (no history), sightings, checkpoints
        CanaryRecord a = fixtures.active().withVersion(3).withStatus(CanaryStatus.TRIGGERED);
        CanaryRecord b = fixtures.session("ASIAY34FZKBOKMUTVV7A", CanaryFixtures.BASE).withVersion(1);
        insertSchemaOneRow(ds, a);
        insertSchemaOneRow(ds, b);
        Sighting s = fixtures.sighting(a, "before-upgrade", CanaryFixtures.BASE.plusSeconds(30));
        assertThat(old.addSighting(s)).isTrue();
        old.saveCheckpoint("cloudtrail-s3:bucket/prefix", "2026/11/28/x.json.gz");

        MigrationResult result = storeOver(ds).migrate();

        assertThat(result).isEqualTo(new MigrationResult(1, 3));
        JdbcCanaryStore upgraded = storeOver(ds);
        assertThat(upgraded.schemaVersion()).isEqualTo(3);
        assertThat(upgraded.find(a.id())).contains(a);
        assertThat(upgraded.find(b.id())).contains(b);
        assertThat(upgraded.findByAccessKeyId("ASIAY34FZKBOKMUTVV7A")).containsExactly(b);
        assertThat(upgraded.sightings(a.id())).containsExactly(s);
        assertThat(upgraded.addSighting(s)).isFalse();
        assertThat(upgraded.checkpoint("cloudtrail-s3:bucket/prefix")).contains("2026/11/28/x.json.gz");
        assertThat(upgraded.history(a.id())).singleElement().satisfies(h -> {
            assertThat(h.version()).isEqualTo(3);
            assertThat(h.status()).isEqualTo(CanaryStatus.TRIGGERED);
            assertThat(h.accessKeyId()).isEqualTo(a.accessKeyId());
        });

        CanaryRecord a4 = upgraded.update(a.toBuilder().status(CanaryStatus.REVOKED).closedAt(CanaryFixtures.BASE).build());
        assertThat(a4.version()).isEqualTo(4);
        assertThat(upgraded.history(a.id())).extracting(CanaryHistoryEntry::version).containsExactly(3L, 4L);
        assertThat(upgraded.history(a.id()).get(1).recordedAt()).isEqualTo(Instant.parse("2026-11-28T12:00:00.123456Z"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentMigrationsApplyEachScriptOnce() throws Exception {
        DataSource ds = freshDatabase();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<MigrationResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return storeOver(ds).migrate();
                }));
            }
            start.countDown();
            List<MigrationResult> done = new ArrayList<>();
            for (Future<MigrationResult> f : results) {
                done.add(f.get(50, TimeUnit.SECONDS));
            }
            assertThat(done).filteredOn(MigrationResult::changed).containsExactly(new MigrationResult(0, 3));
            assertThat(done).filteredOn(r -> !r.changed()).hasSize(threads - 1).allMatch(r -> r.toVersion() == 3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(ds, "SELECT COUNT(*) FROM canary_schema_version")).isEqualTo(3);
        JdbcCanaryStore s = storeOver(ds);
        CanaryRecord r = s.create(fixtures.active());
        assertThat(s.history(r.id())).hasSize(1);
    }

    @Test
    void migrationWaitsForTheLockThenGivesUpRetryably() throws Exception {
        DataSource ds = freshDatabase();
        storeOver(ds).migrateTo(1);
        JdbcCanaryStore impatient = JdbcCanaryStore.builder().dataSource(ds).clock(clock)
                .migrationLockTimeout(Duration.ofMillis(300)).build();

        AutoCloseable held = holdMigrationLock(ds);
        try {
            assertThatThrownBy(impatient::migrate).isInstanceOf(CanaryStoreException.class)
                    .hasMessageContaining("lock")
                    .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isTrue());
        } finally {
            held.close();
        }
        assertThat(impatient.schemaVersion()).isEqualTo(1);
        assertThat(impatient.migrate()).isEqualTo(new MigrationResult(1, 3));
    }

    @Test
    void aSchemaNewerThanThisLibraryIsRefusedAndLeftAlone() throws SQLException {
        execute(dataSource, "INSERT INTO canary_schema_version (version, description, script, checksum, installed_at)"
                + " SELECT 99, 'from the future', 'V99__x.sql', 'x', installed_at FROM canary_schema_version WHERE version = 1");
        CanaryRecord r = store.create(fixtures.active());

        assertThatThrownBy(() -> jdbc().migrate()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("version 99").hasMessageContaining("upgrade canarykit");

        assertThat(jdbc().schemaVersion()).isEqualTo(99);
        assertThat(store.find(r.id())).contains(r);
    }

    @Test
    void theShippedScriptsAloneMakeAWorkingSchemaForFlywayUsers() throws Exception {
        DataSource ds = freshDatabase();
        for (Migration m : Migration.ALL) {
            for (String statement : SchemaMigrator.split(resource(m.resource(dialect().scriptLocation())))) {
                execute(ds, statement);
            }
        }
        JdbcCanaryStore managedElsewhere = storeOver(ds);

        assertThatThrownBy(managedElsewhere::migrate).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("Flyway").hasMessageContaining("nothing was changed");
        CanaryRecord v1 = managedElsewhere.create(fixtures.active());
        CanaryRecord v2 = managedElsewhere.update(v1.withStatus(CanaryStatus.TRIGGERED));
        assertThat(managedElsewhere.find(v1.id())).contains(v2);
        assertThat(managedElsewhere.history(v1.id())).hasSize(2);
        assertThat(managedElsewhere.schemaVersion()).isZero();
    }

    @Test
    void aFailingScriptIsReportedAndRolledBackWhereTheDatabaseCan() {
        DataSource ds = freshDatabase();
        List<Migration> broken = List.of(new Migration(1, "base"), new Migration(2, "broken"));
        JdbcCanaryStore s = JdbcCanaryStore.builder().dataSource(ds).clock(clock).migrations(broken, "db/test-broken").build();

        assertThatThrownBy(s::migrate).isInstanceOf(CanaryStoreException.class)
                .hasMessageContaining("schema version 2").hasMessageContaining("statement 2 of 2");

        boolean h2 = dialect() == JdbcDialect.H2;
        // PostgreSQL and SQLite run one migrate() in one transaction: all of it is undone. H2 commits each DDL
        // statement at once: version 1 stays recorded, and so does the first table of the broken version 2.
        assertThat(s.schemaVersion()).isEqualTo(h2 ? 1 : 0);
        assertThat(tableExists(ds, "probe_base")).isEqualTo(h2);
        assertThat(tableExists(ds, "probe_partial")).isEqualTo(h2);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Inserts a row as canarykit with schema 1 did: into {@code canary} only. */
    protected void insertSchemaOneRow(DataSource ds, CanaryRecord r) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(new Sql(dialect()).insertCanary)) {
            new Rows(new Sql(dialect())).bindInsert(ps, r);
            ps.executeUpdate();
        }
    }

    protected long count(String sql) {
        return count(dataSource, sql);
    }

    protected static long count(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<String> columns(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                out.add(meta.getColumnName(i));
            }
            assertThat(out).isNotEmpty();
            return out;
        }
    }

    private static boolean tableExists(DataSource ds, String table) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JdbcStoreContract.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
