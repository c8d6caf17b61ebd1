package io.canarykit.store.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.CanaryStoreProvider;
import io.canarykit.store.CanaryStore;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The {@code jdbc} provider against the real PostgreSQL server, with password authentication over TCP. */
class PostgresProviderIT {
    /** The jdbc store, built as CanaryService builds it: from the whole configuration. */
    static CanaryStore jdbcStore(CanaryConfig root) {
        return ProviderRegistry.load(CanaryStoreProvider.class).create("jdbc", root);
    }

    private static final String WRONG = "Wr0ng-pg-pa55-71c0";

    private final TestPostgres pg = TestPostgres.get();
    private String schema;

    @BeforeEach
    void schema() {
        schema = pg.createSchema();
    }

    @AfterEach
    void drop() {
        pg.dropSchema(schema);
    }

    private Map<String, String> config(String password) {
        Map<String, String> m = new HashMap<>();
        m.put("canary.store.jdbc.url", pg.url(schema));
        m.put("canary.store.jdbc.user", pg.user());
        if (password != null) {
            m.put("canary.store.jdbc.password", password);
        }
        return m;
    }

    @Test
    void providerOpensMigratesAndUsesPostgres() {
        CanaryRecord r = new CanaryFixtures(3).active();
        String password = pg.password() == null ? null : pg.password().reveal();
        try (JdbcCanaryStore store = (JdbcCanaryStore) jdbcStore(CanaryConfig.of(config(password)))) {
            assertThat(store.dialect()).isEqualTo(JdbcDialect.POSTGRESQL);
            assertThat(store.schemaVersion()).isEqualTo(JdbcCanaryStore.latestSchemaVersion());
            store.create(r);
            assertThat(store.findByPrincipalName(r.principal().name())).containsExactly(r.withVersion(1));
            assertThat(store.countLive(CanaryFixtures.ACCOUNT)).isEqualTo(1);
        }
    }

    @Test
    void aWrongPasswordFailsForGoodAndIsNeverShownOrLogged() {
        Assumptions.assumeTrue(serverChecksPasswords(),
                "the PG_URL server accepts any password (trust authentication), so a wrong one cannot be tested");
        Throwable thrown;
        String logs;
        try (LogCapture capture = new LogCapture()) {
            thrown = catchThrowable(() -> jdbcStore(CanaryConfig.of(config(WRONG))));
            logs = capture.text();
        }

        assertThat(thrown).isInstanceOf(CanaryStoreException.class).hasMessageContaining("28P01");
        assertThat(((CanaryStoreException) thrown).retryable()).isFalse();
        assertThat(Throwables.render(thrown)).doesNotContain(WRONG);
        assertThat(logs).doesNotContain(WRONG);
    }

    private boolean serverChecksPasswords() {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", WRONG);
        try (var c = DriverManager.getConnection(pg.url(), p)) {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
