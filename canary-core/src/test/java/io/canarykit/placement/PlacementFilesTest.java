package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
        assertThat(dir.resolve("sub")).as("a refused edit creates no directory").doesNotExist();
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

    private PlacementFiles files(Path home) {
        return PlacementFiles.builder().environment(PlacementEnvironment.of(Map.of("HOME", home.toString()), Map.of())).build();
    }

    @Test
    void theLockDirectoryIsInTheCacheOfTheUserTheProcessRunsAs() {
        Path home = dir.resolve("home");
        assertThat(files(home).lockDirectory()).isEqualTo(home.resolve(".cache/locks"));
        Path xdg = dir.resolve("xdg");
        assertThat(PlacementFiles.builder().environment(PlacementEnvironment.of(Map.of("HOME", home.toString(),
                "XDG_CACHE_HOME", xdg.toString()), Map.of())).build().lockDirectory()).isEqualTo(xdg.resolve("locks"));
        assertThat(PlacementFiles.builder().environment(PlacementEnvironment.of(Map.of("HOME", home.toString()),
                Map.of("os.name", "Mac OS X"))).build().lockDirectory()).isEqualTo(home.resolve("Library/Caches/locks"));
        assertThat(PlacementFiles.builder().lockDirectory(dir.resolve("mine")).build().lockDirectory())
                .isEqualTo(dir.resolve("mine"));
        assertThat(PlacementFiles.builder().configure(CanaryConfig.of(Map.of("lock-directory", dir.resolve("set").toString())))
                .build().lockDirectory()).isEqualTo(dir.resolve("set"));
    }

    @Test
    void theLockDirectoryIsCreatedPrivateAndHoldsOneLockFileWhateverTheTargets() throws Exception {
        Path home = dir.resolve("home");
        PlacementFiles files = files(home);
        for (String name : List.of("a/credentials", "b/config", "c/.env")) {
            files.update(dir.resolve(name), current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("x"))));
        }
        Path locks = home.resolve(".cache/locks");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locks))).isEqualTo("rwx------");
        try (var s = Files.list(locks)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(PlacementFiles.LOCK_FILE);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(locks.resolve(PlacementFiles.LOCK_FILE))))
                .isEqualTo("rw-------");
        for (String d : List.of("a", "b", "c")) {
            try (var s = Files.list(dir.resolve(d))) {
                assertThat(s.map(p -> p.getFileName().toString())).hasSize(1);
            }
        }
    }

    @Test
    void aLockDirectoryOthersMayWriteIsRefused() throws Exception {
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path a = dir.resolve("t/a");
        assertThatThrownBy(() -> PlacementFiles.builder().lockDirectory(shared).build().update(a,
                current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("x")))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("may be written by others")
                .hasMessageContaining("lock-directory");
        assertThat(dir.resolve("t")).doesNotExist();
        try (var s = Files.list(shared)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aLockDirectoryThatCannotBeCreatedIsAClearErrorAndTheTargetsDirectoryIsNeverUsed() throws Exception {
        Path ro = dir.resolve("ro");
        Files.createDirectories(ro);
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-x------"));
        Path a = dir.resolve("t/a");
        try {
            assertThatThrownBy(() -> PlacementFiles.builder().lockDirectory(ro.resolve("locks")).build().update(a,
                    current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("x")))))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("cannot create the lock directory")
                    .hasMessageContaining("lock-directory");
            assertThat(dir.resolve("t")).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
        }
        Path t = dir.resolve("same");
        assertThatThrownBy(() -> PlacementFiles.builder().lockDirectory(t).build().update(t.resolve("f"),
                current -> PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("x")))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("is the directory of");
        assertThat(t).doesNotExist();
    }

    @Test
    void anotherJvmWaitsForTheLockHeldHereEvenForAnotherFile() throws Exception {
        Path home = dir.resolve("home");
        Path mine = dir.resolve("mine/credentials");
        Path theirs = dir.resolve("theirs/credentials");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> files(home).update(mine, current -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.write(b("mine")));
            }));
            holding.await();
            assertThat(otherJvm(home, theirs, 300)).as("the other JVM must time out while the lock is held").isEqualTo(3);
            assertThat(theirs).doesNotExist();
            release.countDown();
            holder.get();
            assertThat(otherJvm(home, theirs, 30_000)).isZero();
            assertThat(Files.readString(theirs)).isEqualTo("from the other process\n");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static int otherJvm(Path home, Path target, long timeoutMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockFromAnotherProcess.class.getName(), home.toString(), target.toString(), Long.toString(timeoutMillis)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void sizesAreReadInBinaryUnits() {
        assertThat(PlacementFiles.parseSize("1048576", "x")).isEqualTo(1L << 20);
        assertThat(PlacementFiles.parseSize("512k", "x")).isEqualTo(512L << 10);
        assertThat(PlacementFiles.parseSize("1MiB", "x")).isEqualTo(1L << 20);
        assertThat(PlacementFiles.parseSize("2 MB", "x")).isEqualTo(2L << 20);
        assertThatThrownBy(() -> PlacementFiles.parseSize("lots", "max-file-size"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("max-file-size");
        assertThatThrownBy(() -> PlacementFiles.builder().maxFileSize(0)).isInstanceOf(CanaryConfigurationException.class);
    }

    @Test
    void newContentAboveTheLimitIsRefusedAndAReadIsBounded() throws Exception {
        PlacementFiles small = PlacementFiles.builder().maxFileSize(8).lockDirectory(dir.resolve("locks")).build();
        Path a = dir.resolve("a");
        assertThatThrownBy(() -> small.update(a, current -> PlacementFiles.Outcome.of(null,
                PlacementFiles.FileChange.write(b("123456789")))))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("max-file-size");
        assertThat(a).doesNotExist();
        Files.write(a, b("123456789"));
        assertThatThrownBy(() -> small.read(a)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("9 bytes").hasMessageContaining("nothing was read");
        assertThat(small.read(dir.resolve("missing"))).isNull();
    }
}
