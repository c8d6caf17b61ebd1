package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;

import java.time.Duration;

/**
 * Provider {@code jdbc}: a {@link JdbcCanaryStore} that opens the database itself, with a small built-in connection
 * pool, and migrates its schema. Properties:
 *
 * <table>
 *   <caption>canary.store.jdbc.*</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code canary.store.jdbc.url}</td><td>JDBC URL: {@code jdbc:h2:file:./canary/store},
 *       {@code jdbc:postgresql://db:5432/canary}, {@code jdbc:sqlite:/var/lib/canary/store.db}; no password in it</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code canary.store.jdbc.user}</td><td>database user</td><td>none</td></tr>
 *   <tr><td>{@code canary.store.jdbc.password}</td><td>database password (a secret: never logged or echoed)</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code canary.store.jdbc.dialect}</td><td>{@code h2}, {@code postgresql} or {@code sqlite}</td>
 *       <td>read from the database</td></tr>
 *   <tr><td>{@code canary.store.jdbc.migrate}</td><td>apply the schema scripts at start-up ({@code false} when
 *       Flyway or Liquibase manages them)</td><td>{@code true}</td></tr>
 *   <tr><td>{@code canary.store.jdbc.pool-size}</td><td>most connections open at once</td><td>10</td></tr>
 *   <tr><td>{@code canary.store.jdbc.connection-timeout}</td><td>longest wait for a free connection</td>
 *       <td>30s</td></tr>
 * </table>
 *
 * <p>Applications with a connection pool of their own should build the store by hand instead:
 * {@code JdbcCanaryStore.builder().dataSource(pool).build()}.
 *
 * @since 0.1.0
 */
public final class JdbcCanaryStoreProvider implements CanaryStoreProvider {
    /** Where the keys live in the whole configuration (for messages). */
    public static final String PREFIX = "canary.store.jdbc.";
    /** The JDBC URL (required). */
    public static final String URL = "url";
    /** The database user. */
    public static final String USER = "user";
    /** The database password. */
    public static final String PASSWORD = "password";
    /** {@code h2}, {@code postgresql} or {@code sqlite}; read from the database when absent. */
    public static final String DIALECT = "dialect";
    /** Whether to migrate at start-up (default true). */
    public static final String MIGRATE = "migrate";
    /** Most connections open at once (default 10). */
    public static final String POOL_SIZE = "pool-size";
    /** Longest wait for a free connection (default 30s). */
    public static final String CONNECTION_TIMEOUT = "connection-timeout";

    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string(URL, "the JDBC URL: jdbc:h2:file:..., jdbc:postgresql://..., jdbc:sqlite:...")
                    .asRequired().asSecret(),
            ConfigKey.string(USER, "the database user"),
            ConfigKey.string(PASSWORD, "the database password").asSecret(),
            ConfigKey.oneOf(DIALECT, "the database (default: read from the database)", "h2", "postgresql", "postgres", "sqlite"),
            ConfigKey.bool(MIGRATE, "apply the schema scripts at start-up (false when Flyway or Liquibase does)")
                    .withDefault("true"),
            ConfigKey.integer(POOL_SIZE, "most connections open at once, 1-1000")
                    .withDefault(String.valueOf(PooledDataSource.DEFAULT_MAX_SIZE)),
            ConfigKey.duration(CONNECTION_TIMEOUT, "longest wait for a free connection").withDefault("30s"));

    /** Used by ServiceLoader. */
    public JdbcCanaryStoreProvider() {
    }

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    /**
     * Opens the store described by its keys ({@code canary.store.jdbc.*}, handed over without that prefix).
     *
     * @throws CanaryConfigurationException if a property is missing or wrong, or no driver accepts the URL
     * @throws io.canarykit.store.CanaryStoreException if the database cannot be reached or migrated
     */
    @Override
    public CanaryStore create(CanaryConfig config) {
        String url = config.getString(URL);
        if (url == null) {
            throw new CanaryConfigurationException("missing configuration property " + PREFIX + URL + ": set it to a JDBC URL"
                    + " such as jdbc:h2:file:./canary/store, jdbc:postgresql://db:5432/canary or"
                    + " jdbc:sqlite:/var/lib/canary/store.db");
        }
        if (!url.startsWith("jdbc:")) {
            throw new CanaryConfigurationException("configuration property " + PREFIX + URL + ": '" + PooledDataSource.redact(url)
                    + "' is not a JDBC URL; it starts with jdbc:, such as jdbc:postgresql://db:5432/canary");
        }
        String user = config.getString(USER);
        Secret password = config.getSecret(PASSWORD);
        String dialectName = config.getString(DIALECT);
        JdbcDialect dialect = dialectName == null ? null : JdbcDialect.fromConfigName(dialectName);
        boolean migrate = config.getBoolean(MIGRATE, true);
        int poolSize = config.getInt(POOL_SIZE, PooledDataSource.DEFAULT_MAX_SIZE);
        if (poolSize < 1 || poolSize > 1000) {
            throw new CanaryConfigurationException("configuration property " + PREFIX + POOL_SIZE + ": " + poolSize
                    + " is not valid; expected 1-1000");
        }
        Duration timeout = config.getDuration(CONNECTION_TIMEOUT, PooledDataSource.DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw new CanaryConfigurationException("configuration property " + PREFIX + CONNECTION_TIMEOUT
                    + ": must be longer than 0, such as 30s");
        }
        return JdbcCanaryStore.open(url, user, password, dialect, migrate, poolSize, timeout);
    }
}
