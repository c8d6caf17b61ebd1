package io.canarykit.store.jdbc;

import io.canarykit.CanaryRecord;
import io.canarykit.config.CanaryConfig;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.testkit.store.CanaryFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, finding 7, the H2 part: a second process on an H2 file store used to be told to "set the dialect on the
 * builder". A child JVM holds the store open (as a running {@code canary detect --follow} does); opening it here, the
 * way the {@code canary} command does (the {@code jdbc} provider), must say what is wrong and what to do.
 */
class H2SecondProcessTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSecondProcessIsToldTheStoreIsInUseAndWhatToDo() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("store");
        CanaryRecord r;
        try (JdbcCanaryStore store = JdbcCanaryStore.open(url, "sa", null)) {
            r = store.create(new CanaryFixtures(5).active());
        }
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldH2Store.class.getName(), url)
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("open");
            CanaryConfig config = CanaryConfig.of(Map.of("canary.store.jdbc.url", url, "canary.store.jdbc.user", "sa"));

            assertThatThrownBy(() -> JdbcCanaryStoreProviderTest.jdbcStore(config).close())
                    .isInstanceOf(CanaryStoreException.class)
                    .hasMessageContaining("in use by another process")
                    .hasMessageContaining("Stop the other canary process")
                    .hasMessageContaining("PostgreSQL").hasMessageContaining("DynamoDB")
                    .hasMessageNotContaining("dialect")
                    .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isTrue());
        } finally {
            holder.getOutputStream().close(); // the holder exits when its stdin ends
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (CanaryStore again = JdbcCanaryStoreProviderTest.jdbcStore(
                CanaryConfig.of(Map.of("canary.store.jdbc.url", url, "canary.store.jdbc.user", "sa")))) {
            assertThat(again.find(r.id())).as("once the other process is gone, the store opens").contains(r);
        }
    }

    /** The other process: opens the store, says "open", and keeps it open until its stdin ends. */
    public static final class HoldH2Store {
        public static void main(String[] args) throws Exception {
            try (JdbcCanaryStore store = JdbcCanaryStore.open(args[0], "sa", null)) {
                store.find(new CanaryFixtures(1).active().id());
                System.out.println("open");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
            System.exit(0);
        }
    }
}
