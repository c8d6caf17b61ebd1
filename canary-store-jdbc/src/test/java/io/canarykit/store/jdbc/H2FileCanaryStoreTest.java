package io.canarykit.store.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC store on an H2 file database in H2's regular mode: the embedded default the demo uses. */
class H2FileCanaryStoreTest extends JdbcStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected DataSource freshDatabase() {
        JdbcConnectionPool pool = JdbcConnectionPool.create(
                "jdbc:h2:file:" + dir.resolve("store-" + DATABASES.incrementAndGet()), "canary", "");
        pool.setMaxConnections(16);
        onClose(pool::dispose);
        return pool;
    }

    @Override
    protected JdbcDialect dialect() {
        return JdbcDialect.H2;
    }

    @Override
    protected AutoCloseable holdMigrationLock(DataSource ds) throws Exception {
        return H2Locks.hold(ds);
    }

    /**
     * H2 lost committed updates when a commit was flushed to the file while other sessions read and wrote (the racing
     * compare-and-set test failed in CI with a canary row behind its history), so on H2 a write goes alone: also
     * across two stores with their own connection pools in one JVM, and readers wait for it too.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWriteToAnH2DatabaseGoesAloneAcrossStoresOverIt() throws Exception {
        CanaryRecord v1 = store.create(fixtures.active());
        String path;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DATABASE_PATH()")) {
            assertThat(rs.next()).isTrue();
            path = rs.getString(1);
        }
        JdbcConnectionPool otherPool = JdbcConnectionPool.create("jdbc:h2:file:" + path, "canary", "");
        onClose(otherPool::dispose);
        JdbcCanaryStore other = storeOver(otherPool);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JdbcCanaryStore stalled = storeOver(Faults.stallingStatements(dataSource,
                sql -> sql.startsWith("INSERT INTO canary_history"), inside, release));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<CanaryRecord> update = pool.submit(() -> stalled.update(v1.withStatus(CanaryStatus.TRIGGERED)));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue(); // the update holds its transaction open
            CanaryRecord second = fixtures.active();
            Future<CanaryRecord> create = pool.submit(() -> other.create(second));
            Future<CanaryRecord> read = pool.submit(() -> other.find(v1.id()).orElseThrow());

            assertThatThrownBy(() -> create.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(read.isDone()).isFalse();
            release.countDown();

            assertThat(update.get(30, TimeUnit.SECONDS).version()).isEqualTo(2);
            assertThat(create.get(30, TimeUnit.SECONDS)).isEqualTo(second.withVersion(1));
            assertThat(read.get(30, TimeUnit.SECONDS).status()).isEqualTo(CanaryStatus.TRIGGERED); // read after it
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
