package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementFilesTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEditorThatThrowsChangesNothing() throws Exception {
        Path a = dir.resolve("a");
        Path c = dir.resolve("sub/c");
        Files.write(a, b("A"));
        assertThatThrownBy(() -> PlacementFiles.defaults().update(List.of(a, c), current -> {
            throw new CanaryConfigurationException("no");
        })).hasMessage("no");
        assertThat(Files.readString(a)).isEqualTo("A");
        assertThat(c).doesNotExist();
    }

    @Test
    void writesSeveralFilesAndDeletes() throws Exception {
        Path a = dir.resolve("a");
        Path c = dir.resolve("c");
        Files.write(c, b("C"));
        String value = PlacementFiles.defaults().update(List.of(a, c), current -> {
            assertThat(current.get(0)).isNull();
            assertThat(current.get(1)).isEqualTo(b("C"));
            return PlacementFiles.Outcome.of("done", PlacementFiles.FileChange.write(b("new A")),
                    PlacementFiles.FileChange.delete());
        });
        assertThat(value).isEqualTo("done");
        assertThat(Files.readString(a)).isEqualTo("new A");
        assertThat(c).doesNotExist();
        assertThat(PlacementFiles.defaults().read(c)).isNull();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void theSameFileTwiceIsRefused() {
        Path a = dir.resolve("a");
        assertThatThrownBy(() -> PlacementFiles.defaults().update(List.of(a, dir.resolve("x/../a")),
                current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.unchanged(),
                        PlacementFiles.FileChange.unchanged())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("twice");
    }

    @Test
    void aLockHeldTooLongTimesOutWithNothingChanged() throws Exception {
        Path a = dir.resolve("a");
        Files.write(a, b("A"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> PlacementFiles.defaults().update(a, current -> {
                holding.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.unchanged());
            }));
            holding.await();
            PlacementFiles impatient = PlacementFiles.builder().lockTimeout(Duration.ofMillis(50)).build();
            assertThatThrownBy(() -> impatient.update(a, current ->
                    PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("B")))))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("did not release it in time");
            done.countDown();
            holder.get();
            assertThat(Files.readString(a)).isEqualTo("A");
        } finally {
            done.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void badSettingsAreClearErrors() {
        assertThatThrownBy(() -> PlacementFiles.builder().filePermissions("rw-rw"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("rw-------");
        assertThatThrownBy(() -> PlacementFiles.builder().lockTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(CanaryConfigurationException.class);
    }
}
