package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.CanaryStoreProvider;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code jdbc} provider on H2 and SQLite files: configuration, migration, errors, and secrecy of the password. */
class JdbcCanaryStoreProviderTest {
    /** The jdbc store, built as CanaryService builds it: from the whole configuration. */
    static CanaryStore jdbcStore(CanaryConfig root) {
        return ProviderRegistry.load(CanaryStoreProvider.class).create("jdbc", root);
    }

    private static final String SECRET = "pa55-Wr0ng-9f3e1c";

    @TempDir
    Path dir;

    private final CanaryFixtures fixtures = new CanaryFixtures(7);

    private static CanaryStore resolve(Map<String, String> properties) {
        ProviderRegistry<CanaryStore, CanaryStoreProvider> stores = ProviderRegistry.load(CanaryStoreProvider.class);
        return stores.resolve(null, CanaryConfig.of(properties), "canary.store", "in-memory");
    }

    @Test
    void providerNamedJdbcOpensAndMigratesAnH2FileStore() {
        String url = "jdbc:h2:file:" + dir.resolve("demo/store");
        CanaryRecord r = fixtures.active();
        try (CanaryStore store = resolve(Map.of("canary.store", "jdbc", "canary.store.jdbc.url", url))) {
            assertThat(store).isInstanceOf(JdbcCanaryStore.class).hasToString("JdbcCanaryStore[h2]");
            assertThat(((JdbcCanaryStore) store).schemaVersion()).isEqualTo(JdbcCanaryStore.latestSchemaVersion());
            store.create(r);
        }
        // the file outlives the store; a second open finds the record and migrates nothing
        try (CanaryStore again = resolve(Map.of("canary.store", "jdbc", "canary.store.jdbc.url", url))) {
            assertThat(again.find(r.id())).contains(r.withVersion(1));
        }
    }

    @Test
    void providerOpensASqliteStoreInWalModeWithAnExplicitDialect() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("store.db") + "?journal_mode=WAL";
        try (CanaryStore store = resolve(Map.of("canary.store", "jdbc", "canary.store.jdbc.url", url,
                "canary.store.jdbc.dialect", "SQLite", "canary.store.jdbc.pool-size", "3"))) {
            assertThat(((JdbcCanaryStore) store).dialect()).isEqualTo(JdbcDialect.SQLITE);
            CanaryRecord r = store.create(fixtures.active());
            assertThat(store.findByAsset(r.asset().kind(), r.asset().id())).containsExactly(r);
        }
        // the README's advice works: the URL parameter switched the file to write-ahead logging
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
             java.sql.ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void migrateFalseLeavesTheSchemaToSomeoneElse() {
        try (JdbcCanaryStore store = (JdbcCanaryStore) jdbcStore(CanaryConfig.of(Map.of(
                "canary.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("unmigrated"),
                "canary.store.jdbc.migrate", "false")))) {
            assertThat(store.schemaVersion()).isZero();
            assertThatThrownBy(() -> store.countLive(CanaryFixtures.ACCOUNT)).isInstanceOf(CanaryStoreException.class)
                    .hasMessageContaining("migrate");
        }
    }

    @Test
    void closingTheStoreClosesItsPool() {
        JdbcCanaryStore store = (JdbcCanaryStore) jdbcStore(CanaryConfig.of(Map.of(
                "canary.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("closing"))));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.countLive(CanaryFixtures.ACCOUNT)).isInstanceOf(CanaryStoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void badConfigurationSaysWhatToFix() {
        assertThatThrownBy(() -> jdbcStore(CanaryConfig.empty()))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("canary.store.jdbc.url")
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> jdbcStore(CanaryConfig.of(Map.of("canary.store.jdbc.url", "postgres://db/x"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("not a JDBC URL");
        assertThatThrownBy(() -> jdbcStore(CanaryConfig.of(Map.of("canary.store.jdbc.url", "jdbc:h2:mem:x",
                "canary.store.jdbc.dialect", "oracle"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("h2, postgresql, sqlite");
        assertThatThrownBy(() -> jdbcStore(CanaryConfig.of(Map.of("canary.store.jdbc.url", "jdbc:h2:mem:x",
                "canary.store.jdbc.pool-size", "0"))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("pool-size");
        assertThatThrownBy(() -> jdbcStore(CanaryConfig.of(Map.of(
                "canary.store.jdbc.url", "jdbc:oracle:thin:@db:1521/x?password=" + SECRET))))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("org.postgresql:postgresql").hasMessageNotContaining(SECRET);
    }

    @Test
    void aWrongPasswordIsReportedWithoutTheCallerSeeingOrLoggingIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("guarded");
        try (Connection c = DriverManager.getConnection(url, "canary", "the-right-one")) {
            c.createStatement().execute("CREATE TABLE keep_me (x INT)");
        }
        Map<String, String> props = Map.of("canary.store", "jdbc", "canary.store.jdbc.url", url,
                "canary.store.jdbc.user", "canary", "canary.store.jdbc.password", SECRET);

        Throwable thrown;
        String logs;
        try (LogCapture capture = new LogCapture()) {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> resolve(props));
            logs = capture.text();
        }

        assertThat(thrown).isInstanceOf(CanaryStoreException.class);
        assertThat(((CanaryStoreException) thrown).retryable()).isFalse();
        assertThat(Throwables.render(thrown)).doesNotContain(SECRET);
        assertThat(logs).doesNotContain(SECRET);
        assertThat(CanaryConfig.of(props).toString()).doesNotContain(SECRET);
    }

    @Test
    void storeAndPoolNeverPrintThePassword() {
        try (LogCapture capture = new LogCapture();
             JdbcCanaryStore store = JdbcCanaryStore.open("jdbc:h2:file:" + dir.resolve("printed"), "canary",
                     io.canarykit.Secret.of(SECRET))) {
            store.create(fixtures.active());
            assertThat(store.toString()).doesNotContain(SECRET);
            assertThat(capture.events()).isPositive();
            assertThat(capture.text()).doesNotContain(SECRET);
        }
    }
}
