/**
 * A {@link io.canarykit.store.CanaryStore} over JDBC: {@link io.canarykit.store.jdbc.JdbcCanaryStore}, for H2 (the
 * embedded default), PostgreSQL and SQLite, with versioned schema scripts under {@code db/canarykit/<dialect>/} that
 * {@link io.canarykit.store.jdbc.JdbcCanaryStore#migrate()} applies (or Flyway/Liquibase, if you prefer).
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.store.jdbc;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
