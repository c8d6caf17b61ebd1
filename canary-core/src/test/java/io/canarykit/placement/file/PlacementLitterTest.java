package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.PlacementFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.canarykit.placement.Fixtures.environment;
import static io.canarykit.placement.Fixtures.read;
import static io.canarykit.placement.Fixtures.request;
import static io.canarykit.placement.Fixtures.session1;
import static io.canarykit.placement.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 15, findings 9 and 10, written as the failures they were: a lock file beside {@code ~/.aws/credentials} before,
 * during and after; {@code /etc/.shadow.lock} left by a refused request; an env file left behind empty; a FIFO as
 * credentials file hanging {@code place}; a 131 MB credentials file read into memory.
 */
class PlacementLitterTest {
    private static final byte[] REAL = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REAL_CONFIG = "[default]\nregion = eu-west-1\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    private AwsCredentialsFilePlacement placement() {
        return AwsCredentialsFilePlacement.builder().environment(environment(home)).build();
    }

    /** Every file and directory under {@code dir}: relative path to type, mode and a digest of the content. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "d " + mode
                        : "f " + mode + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void noLockFileBesideTheCredentialsFileBeforeDuringOrAfter() {
        write(home.resolve(".aws/credentials"), REAL);
        write(home.resolve(".aws/config"), REAL_CONFIG);
        List<String> before = AwsCredentialsFilePlacementTest.listing(home.resolve(".aws"));
        assertThat(before).containsExactly("config", "credentials");

        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "profile", "billing-ro"));
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".aws"))).isEqualTo(before);

        // during: while an edit of the credentials file holds the lock
        AtomicReference<List<String>> during = new AtomicReference<>();
        PlacementFiles.builder().environment(environment(home)).build().update(home.resolve(".aws/credentials"), current -> {
            during.set(AwsCredentialsFilePlacementTest.listing(home.resolve(".aws")));
            return PlacementFiles.Outcome.of(null, PlacementFiles.FileChange.unchanged());
        });
        assertThat(during.get()).isEqualTo(before);

        p.remove(r);
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".aws"))).isEqualTo(before);
        assertThat(read(home.resolve(".aws/credentials"))).isEqualTo(REAL);
        assertThat(read(home.resolve(".aws/config"))).isEqualTo(REAL_CONFIG);
        // the lock is outside, in the user's cache, and its name says nothing about the target
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".cache/locks"))).containsExactly(PlacementFiles.LOCK_FILE);
    }

    @Test
    void aRefusedRequestLeavesTheTargetDirectoryByteIdentical() {
        // the /etc/.shadow.lock case: a file the SDKs cannot parse, refused
        Path etc = home.resolve("etc");
        write(etc.resolve("shadow"), "root:$6$salt$hash:19000:0:99999:7:::\n".getBytes(StandardCharsets.UTF_8));
        write(etc.resolve("hosts"), "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = tree(etc);
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops",
                "credentials-file", etc.resolve("shadow").toString(), "config", "false")))
                .isInstanceOf(ProfileFileSyntaxException.class);
        // and a profile that exists already
        write(etc.resolve("credentials"), REAL);
        before = tree(etc);
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "default", "allow-default", "true",
                "credentials-file", etc.resolve("credentials").toString(), "config", "false")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        assertThat(tree(etc)).isEqualTo(before);
    }

    @Test
    void aRefusedRequestCreatesNoDirectory() {
        // the credentials file would go into a new directory, but the config file holds someone else's profile
        write(home.resolve("cfg/config"), "[profile ops]\nregion = eu-west-1\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = tree(home);
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops",
                "credentials-file", home.resolve("new/deeper/credentials").toString(),
                "config-file", home.resolve("cfg/config").toString())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'ops' already exists");
        assertThat(home.resolve("new")).doesNotExist();
        Map<String, String> after = tree(home);
        after.keySet().removeIf(k -> k.startsWith(".cache"));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void directoriesThePlacementMadeGoWithTheLastFileInThem() {
        Path f = home.resolve("ci/job/.env");
        write(home.resolve("ci/keep.txt"), "x".getBytes(StandardCharsets.UTF_8));
        EnvFilePlacement p = EnvFilePlacement.builder().environment(environment(home)).build();
        PlacementReceipt r = p.place(request(session1(), "path", f.toString()));
        assertThat(r.detail("createdDirectory")).isEqualTo(home.resolve("ci/job").toString());
        p.remove(r);
        assertThat(home.resolve("ci/job")).doesNotExist();
        assertThat(home.resolve("ci/keep.txt")).exists();
    }

    @Test
    void aFifoAsCredentialsFileIsRefusedAtOnceInsteadOfHanging() throws Exception {
        Path fifo = home.resolve(".aws/credentials");
        Files.createDirectories(fifo.getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        AwsCredentialsFilePlacement p = placement();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> p.place(request(session1(), "profile", "ops", "config", "false")))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("named pipe (FIFO)")
                    .hasMessageContaining("not a regular file").hasMessageContaining("nothing was changed");
        });
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".aws"))).containsExactly("credentials");
    }

    @Test
    void aDeviceAsCredentialsFileIsRefusedWithoutReadingIt() {
        AwsCredentialsFilePlacement p = placement();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> p.place(request(session1(), "profile", "ops", "credentials-file", "/dev/zero",
                    "config", "false")))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("/dev/zero is a character device");
        });
    }

    @Test
    void aCredentialsFileAboveTheSizeLimitIsRefusedBeforeReading() throws IOException {
        Path big = home.resolve(".aws/credentials");
        byte[] comment = ("# " + "x".repeat(1022) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(big.getParent());
        try (var out = Files.newOutputStream(big)) {
            out.write(REAL);
            for (int i = 0; i < 1100; i++) {
                out.write(comment);
            }
        }
        long size = Files.size(big);
        assertThat(size).isGreaterThan(PlacementFiles.DEFAULT_MAX_FILE_SIZE);
        Map<String, String> before = tree(home.resolve(".aws"));
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops", "config", "false")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining(size + " bytes")
                .hasMessageContaining("max-file-size").hasMessageContaining("nothing was changed");
        assertThat(tree(home.resolve(".aws"))).isEqualTo(before);

        // the limit is a setting
        AwsCredentialsFilePlacement larger = (AwsCredentialsFilePlacement) new AwsCredentialsFilePlacementProvider()
                .create(CanaryConfig.of(Map.of("max-file-size", "2MiB", "credentials-file", big.toString(),
                        "lock-directory", home.resolve(".cache/locks").toString())));
        PlacementReceipt r = larger.place(request(session1(), "profile", "ops", "config", "false"));
        assertThat(larger.verify(r).present()).isTrue();
        larger.remove(r);
        assertThat(Files.size(big)).isEqualTo(size);
    }

    @Test
    void aFileThatExistedBeforeStaysEvenWhenRemovalLeavesItEmpty() {
        Path f = home.resolve("app/.env");
        write(f, new byte[0]);
        EnvFilePlacement p = EnvFilePlacement.builder().environment(environment(home)).build();
        PlacementReceipt r = p.place(request(session1(), "path", f.toString()));
        assertThat(r.detail("createdFile")).isEqualTo("false");
        p.remove(r);
        assertThat(read(f)).as("the user's own (empty) file stays").isEmpty();
    }

    @Test
    void aSocketAsTargetIsRefused() throws Exception {
        Path socket = home.resolve("run/agent.sock");
        Files.createDirectories(socket.getParent());
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(() -> EnvFilePlacement.builder().environment(environment(home)).build()
                    .place(request(session1(), "path", socket.toString())))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("is a socket");
        }
    }
}
