/**
 * A {@link io.canarykit.store.CanaryStore} over JDBC: {@link io.canarykit.store.jdbc.JdbcCanaryStore}, for H2 (the
 * embedded default), PostgreSQL and SQLite, with versioned schema scripts under {@code db/canarykit/<dialect>/} that
 * {@link io.canarykit.store.jdbc.JdbcCanaryStore#migrate()} applies (or Flyway/Liquibase, if you prefer).
 *
 * <p>Every type and method here treats {@code null} as invalid unless its documentation says otherwise.
 */
package io.canarykit.store.jdbc;
