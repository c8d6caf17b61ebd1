package io.canarykit.store.jdbc;

import io.canarykit.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in pool behind {@code JdbcCanaryStore.open} and the {@code jdbc} provider. */
class PooledDataSourceTest {
    private final String url = "jdbc:h2:mem:pool-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final PooledDataSource pool = new PooledDataSource(url, "sa", Secret.of("pw"), 2, Duration.ofMillis(200));

    @AfterEach
    void close() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url, "sa", "pw"); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        pool.close();
    }

    @Test
    void aGivenBackConnectionIsReused() throws SQLException {
        Connection physical;
        try (Connection c = pool.getConnection()) {
            physical = c.unwrap(Connection.class);
        }
        try (Connection c = pool.getConnection()) {
            assertThat(c.unwrap(Connection.class)).isSameAs(physical);
        }
    }

    @Test
    void atMostMaxSizeConnectionsAreOut() throws SQLException {
        List<Connection> out = new ArrayList<>();
        out.add(pool.getConnection());
        out.add(pool.getConnection());
        assertThatThrownBy(pool::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("all 2 connections");
        out.get(0).close();
        try (Connection c = pool.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        out.get(1).close();
    }

    @Test
    void anUncommittedTransactionIsRolledBackWhenGivenBack() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INT)");
            c.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1)");
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            assertThat(c.getAutoCommit()).isTrue();
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aConnectionCannotBeUsedAfterItWasGivenBack() throws SQLException {
        Connection c = pool.getConnection();
        c.close();
        c.close(); // idempotent
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
    }

    @Test
    void aClosedPoolRefusesBorrowers() {
        pool.close();
        assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void passwordsInUrlsAreMaskedInMessages() {
        assertThat(PooledDataSource.redact("jdbc:postgresql://db/x?user=canary&password=s3cr3t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/x?user=canary&password=****&ssl=true");
        assertThat(PooledDataSource.redact("jdbc:h2:file:./x;USER=sa;PASSWORD=s3cr3t;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:./x;USER=sa;PASSWORD=****;MODE=PostgreSQL");
        assertThat(PooledDataSource.redact("jdbc:sqlite:/tmp/x.db")).isEqualTo("jdbc:sqlite:/tmp/x.db");
        assertThat(pool.toString()).doesNotContain("pw").contains("user=sa");
    }
}
