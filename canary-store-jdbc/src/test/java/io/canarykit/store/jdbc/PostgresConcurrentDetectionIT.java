package io.canarykit.store.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.store.ConcurrentDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 7, as it was found: several detection passes at once on one PostgreSQL store (then: 19 alerts for
 * 16 alert ids and two INITIAL alerts for one canary). Three engines, each with its own connection pool, then three
 * separate JVMs, read the same events at the same moment; the receiver must get every alert once, one INITIAL per
 * canary, and every event in exactly one alert.
 */
class PostgresConcurrentDetectionIT {
    private TestPostgres pg;
    private String schema;
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path work;

    @BeforeEach
    void schema() {
        pg = TestPostgres.get();
        schema = pg.createSchema();
    }

    @AfterEach
    void drop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        pg.dropSchema(schema);
    }

    private JdbcCanaryStore store() {
        PooledDataSource ds = pg.dataSource(schema);
        open.add(ds);
        JdbcCanaryStore s = JdbcCanaryStore.builder().dataSource(ds).build();
        s.migrate();
        return s;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threeEnginesWithTheirOwnConnectionsDeliverEachAlertOnce() throws Exception {
        List<CanaryRecord> canaries = ConcurrentDetection.seed(store());
        List<CanaryStore> stores = List.of(store(), store(), store());
        try (ConcurrentDetection.Receiver receiver = new ConcurrentDetection.Receiver()) {
            List<String> failures = ConcurrentDetection.runThreads(stores, canaries, receiver);

            assertThat(receiver.deliveries()).as("failures reported: %s", failures).isNotEmpty();
            assertThat(ConcurrentDetection.violations(receiver, canaries)).isEmpty();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeDetectProcessesDeliverEachAlertOnce() throws Exception {
        List<CanaryRecord> canaries = ConcurrentDetection.seed(store());
        Path props = work.resolve("store.properties");
        StringBuilder text = new StringBuilder("canary.store=jdbc\n")
                .append("canary.store.jdbc.url=").append(pg.url(schema).replace("\\", "\\\\")).append('\n')
                .append("canary.store.jdbc.user=").append(pg.user()).append('\n');
        if (pg.password() != null) {
            text.append("canary.store.jdbc.password=").append(pg.password().reveal()).append('\n');
        }
        Files.writeString(props, text);
        try (ConcurrentDetection.Receiver receiver = new ConcurrentDetection.Receiver()) {
            List<String> out = ConcurrentDetection.runProcesses(3, props, receiver, work, Map.of());

            assertThat(receiver.deliveries()).as("children said: %s", out).isNotEmpty();
            assertThat(ConcurrentDetection.violations(receiver, canaries)).as("children said: %s", out).isEmpty();
        }
    }
}
