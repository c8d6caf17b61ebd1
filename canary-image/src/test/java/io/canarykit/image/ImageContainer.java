package io.canarykit.image;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs an unpacked image the way a container runtime does, with what Linux offers without one: fresh mount and PID
 * namespaces ({@code unshare}), the root file system mounted read-only, {@code /proc}, a minimal {@code /dev}, a tmpfs
 * on {@code /tmp}, a data directory on {@code /var/lib/canary} and a configuration directory (read-only) on
 * {@code /etc/canary}; the image's entrypoint then runs chrooted there as the image's user, in its working directory,
 * with the image's environment plus what the test adds (as {@code docker run -e}). The network is the host's, so the
 * test reaches a server in the container on loopback. See {@code run-container.sh}. Needs root.
 */
final class ImageContainer {
    /** Containers not yet closed, killed when the JVM exits. */
    private static final Set<Running> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Running::close)));
    }

    private final ImageTarball image;
    private final Path workDir;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private List<String> args;
    private Path dataDir;
    private Path configDir;

    private ImageContainer(ImageTarball image, Path workDir) {
        this.image = image;
        this.workDir = workDir;
        for (String e : image.env()) {
            int eq = e.indexOf('=');
            environment.put(e.substring(0, eq), e.substring(eq + 1));
        }
        this.args = image.cmd();
    }

    /** A container of {@code image}; its logs, environment file and empty default directories go in {@code workDir}. */
    static ImageContainer of(ImageTarball image, Path workDir) {
        return new ImageContainer(image, workDir);
    }

    /** Adds or replaces an environment variable. */
    ImageContainer env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Replaces the image's {@code Cmd} (the arguments after the entrypoint), as {@code docker run IMAGE ARGS}. */
    ImageContainer args(List<String> args) {
        this.args = List.copyOf(args);
        return this;
    }

    /** The directory mounted read-write on {@code /var/lib/canary} (default: an empty one owned by the image user). */
    ImageContainer data(Path dir) {
        this.dataDir = dir;
        return this;
    }

    /** The directory mounted read-only on {@code /etc/canary} (default: an empty one). */
    ImageContainer config(Path dir) {
        this.configDir = dir;
        return this;
    }

    /** Starts the container; its standard output and error go to files in the work directory. */
    Running start(String name) throws IOException {
        Files.createDirectories(workDir);
        Path data = dataDir != null ? dataDir : volume(workDir.resolve(name + "-data"), image);
        Path config = configDir != null ? configDir : Files.createDirectories(workDir.resolve(name + "-config"));
        Path envFile = workDir.resolve(name + ".env");
        List<String> lines = new ArrayList<>();
        environment.forEach((k, v) -> {
            if (v.contains("\n")) {
                throw new IllegalArgumentException("environment variable " + k + " has a line break");
            }
            lines.add(k + "=" + v);
        });
        Files.write(envFile, lines, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "--", "bash", script().toString(), image.rootfs().toString(), data.toString(), config.toString(),
                envFile.toString(), user(image), workingDir(image)));
        command.addAll(image.entrypoint());
        command.addAll(args);
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        Running running = new Running(p, out, err);
        RUNNING.add(running);
        return running;
    }

    /**
     * Kills containers of {@code image} that an earlier test JVM left running (killed before it could stop them): the
     * {@code unshare} processes running {@code run-container.sh} on this root file system, and what runs under them.
     * The container's own process changes its user, which clears any parent-death signal ({@code unshare
     * --kill-child}), so it outlives {@code unshare} unless killed by hand.
     */
    static void killLeftovers(Path rootfs) {
        String script = script().toString();
        String root = rootfs.toString();
        ProcessHandle.allProcesses().forEach(p -> {
            List<String> arguments = List.of(p.info().arguments().orElse(new String[0]));
            if (arguments.contains(script) && arguments.contains(root)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        });
    }

    /** Runs the container to completion. */
    Result run(String name, Duration timeout) throws IOException, InterruptedException {
        try (Running r = start(name)) {
            int code = r.waitFor(timeout);
            return new Result(code, r.stdout(), r.stderr());
        }
    }

    /** An empty directory owned by the image's user, mode 0700: what a named volume on the image's data path is. */
    static Path volume(Path dir, ImageTarball image) throws IOException {
        try {
            Commands.run(List.of("rm", "-rf", dir.toString()));
            Files.createDirectories(dir);
            Commands.run(List.of("chown", user(image), dir.toString()));
            Commands.run(List.of("chmod", "0700", dir.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return dir;
    }

    /** The image's {@code User} ({@code uid:gid}). */
    static String user(ImageTarball image) {
        return image.runConfig().path("User").asText();
    }

    private static String workingDir(ImageTarball image) {
        String wd = image.runConfig().path("WorkingDir").asText("");
        return wd.isEmpty() ? "/" : wd;
    }

    private static Path script() {
        try {
            return Path.of(Objects.requireNonNull(ImageContainer.class.getResource("run-container.sh")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A finished container. */
    record Result(int code, String out, String err) {
    }

    /** A running container. Closing it kills it. */
    static final class Running implements AutoCloseable {
        private final Process unshare;
        private final Path out;
        private final Path err;

        private Running(Process unshare, Path out, Path err) {
            this.unshare = unshare;
            this.out = out;
            this.err = err;
        }

        /** The container's first process (the entrypoint, PID 1 inside) as the host sees it. */
        ProcessHandle init() {
            Optional<ProcessHandle> child = unshare.toHandle().children().findFirst();
            return child.orElseThrow(() -> new IllegalStateException("the container has no process (exited?); "
                    + "stderr: " + stderr()));
        }

        /** Waits until standard output contains {@code text}; fails if the container exits or time runs out. */
        void awaitOutput(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!stdout().contains(text)) {
                if (!unshare.isAlive()) {
                    throw new IllegalStateException("the container exited (" + unshare.exitValue() + ") before printing '"
                            + text + "'; stdout: " + stdout() + "; stderr: " + stderr());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no '" + text + "' after " + timeout + "; stdout: " + stdout()
                            + "; stderr: " + stderr());
                }
                Thread.sleep(100);
            }
        }

        /** Sends SIGTERM to the container's first process (as {@code docker stop}) and waits for the exit code. */
        int stop(Duration timeout) throws InterruptedException {
            init().destroy();
            return waitFor(timeout);
        }

        int waitFor(Duration timeout) throws InterruptedException {
            if (!unshare.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                unshare.destroyForcibly();
                throw new IllegalStateException("the container did not exit within " + timeout + "; stdout: "
                        + stdout() + "; stderr: " + stderr());
            }
            return unshare.exitValue();
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        /** Kills the container if it still runs: its first process (and with it its PID namespace), then unshare. */
        @Override
        public void close() {
            RUNNING.remove(this);
            if (unshare.isAlive()) {
                unshare.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                unshare.destroyForcibly();
                try {
                    unshare.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
