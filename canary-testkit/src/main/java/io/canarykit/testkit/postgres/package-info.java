/**
 * A PostgreSQL server for tests: TestPostgres starts one (installing the Debian package as root when it is missing, on
 * a free port on 127.0.0.1), hands out a schema per test and stops at JVM exit; PG_URL points the tests at a server of
 * your own.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.testkit.postgres;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
