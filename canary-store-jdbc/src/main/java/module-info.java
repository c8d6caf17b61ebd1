/**
 * canarykit's JDBC store: the {@code jdbc} {@code CanaryStore} on H2, PostgreSQL or SQLite, with its versioned schema
 * scripts.
 *
 * <p>{@code io.canarykit.store.jdbc} is the API. The builder takes the caller's {@code javax.sql.DataSource}, so
 * {@code java.sql} is read transitively. The JDBC driver is the user's choice and is found by {@code java.sql}'s own
 * service binding ({@code java.sql.Driver}), so no driver is required here. The schema scripts
 * ({@code db/canarykit/<dialect>/}) are resources of this module, read by its own classes: nothing is opened.
 *
 * @since 0.1.0
 */
module io.canarykit.store.jdbc {
    requires transitive io.canarykit.core;
    requires transitive java.sql;
    requires static org.jspecify;

    exports io.canarykit.store.jdbc;

    provides io.canarykit.store.CanaryStoreProvider with
            io.canarykit.store.jdbc.JdbcCanaryStoreProvider;
}
