package io.canarykit.store.jdbc;

import io.canarykit.Secret;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The store's view of the test kit's PostgreSQL server ({@link io.canarykit.testkit.postgres.TestPostgres}), plus
 * what only this module can make: a {@link PooledDataSource} on it.
 */
final class TestPostgres {
    private static TestPostgres instance;

    private final io.canarykit.testkit.postgres.TestPostgres server;

    private TestPostgres(io.canarykit.testkit.postgres.TestPostgres server) {
        this.server = server;
    }

    /** The server, started on first use. */
    static synchronized TestPostgres get() {
        if (instance == null) {
            instance = new TestPostgres(io.canarykit.testkit.postgres.TestPostgres.get());
        }
        return instance;
    }

    String url() {
        return server.url();
    }

    String user() {
        return server.user();
    }

    Secret password() {
        return server.password();
    }

    String url(String schema) {
        return server.url(schema);
    }

    Connection connect() throws SQLException {
        return server.connect();
    }

    String createSchema() {
        return server.createSchema();
    }

    void dropSchema(String name) {
        server.dropSchema(name);
    }

    /** A pooled DataSource whose connections work in {@code schema}. Close it after use. */
    PooledDataSource dataSource(String schema) {
        return new PooledDataSource(url(schema), user(), password(), 10, Duration.ofSeconds(30));
    }
}
