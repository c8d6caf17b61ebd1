package io.canarykit.testkit.postgres;

import io.canarykit.Secret;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL server for integration tests: the one {@code PG_URL} points to ({@code PG_USER}, default
 * {@code postgres}, and {@code PG_PASSWORD}), or a throwaway cluster this class creates under the module's
 * {@code target/postgresql} (initdb as the {@code postgres} user when the build runs as root, a free port on
 * 127.0.0.1, password authentication over TCP) and stops when the JVM exits. When the Debian binaries are missing and
 * the build runs as root it installs {@code postgresql-15} with apt-get. When none of that is possible it throws, with
 * a message saying what to install: tests using it fail, they never skip.
 *
 * <p>The test kit depends on no JDBC driver: put {@code org.postgresql:postgresql} on your test class path.
 * {@link StopLeftoverPostgres} stops clusters a killed test JVM left behind (run it after the integration tests, for
 * example with exec-maven-plugin in {@code post-integration-test}).
 *
 * <pre>{@code
 * TestPostgres pg = TestPostgres.get();
 * String schema = pg.createSchema();             // an empty schema of your own
 * String url = pg.url(schema);                   // jdbc:postgresql://127.0.0.1:port/postgres?currentSchema=...
 * }</pre>
 *
 * <p>Thread-safe; one server per JVM.
 *
 * @since 0.1.0
 */
public final class TestPostgres {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static @Nullable TestPostgres instance;
    private static @Nullable RuntimeException failure;

    private final String url;
    private final String user;
    private final @Nullable String password;

    private TestPostgres(String url, String user, @Nullable String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The server, started on first use (the first call may take a while: initdb, or apt-get).
     *
     * @throws IllegalStateException the same one to every caller, saying what to install or set, if there is none
     */
    public static synchronized TestPostgres get() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    /** The JDBC URL of the server's {@code postgres} database (no credentials in it). */
    public String url() {
        return url;
    }

    /** The user to connect as. */
    public String user() {
        return user;
    }

    /** The password, or {@code null} when {@code PG_URL} named a server without one. */
    public @Nullable Secret password() {
        return Secret.ofNullable(password);
    }

    /** The base URL with {@code currentSchema} set, so that unqualified names are in {@code schema}. */
    public String url(String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new connection to the server's default schema; close it. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /** Creates a new, empty schema with a unique name and returns its name. */
    public String createSchema() {
        String name = "canary_t" + SCHEMAS.incrementAndGet() + "_" + HexFormat.of().formatHex(randomBytes(4));
        execute("CREATE SCHEMA " + name);
        return name;
    }

    /** Drops a schema made by {@link #createSchema()} and everything in it. */
    public void dropSchema(String name) {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test server: " + sql + " failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ starting a server

    private static TestPostgres start() {
        Map<String, String> env = System.getenv();
        boolean root = "root".equals(System.getProperty("user.name"));
        PostgresPlan plan = PostgresPlan.decide(env, findBinaries(env), root, Files.isExecutable(Path.of("/usr/bin/apt-get")));
        if (plan instanceof PostgresPlan.External e) {
            TestPostgres server = new TestPostgres(e.url(), e.user(), e.password());
            server.awaitConnectable(Duration.ofSeconds(10), "PG_URL=" + redact(e.url()),
                    ". Check PG_URL, PG_USER and PG_PASSWORD, or unset PG_URL to let the tests start their own server");
            return server;
        }
        if (plan instanceof PostgresPlan.Fail f) {
            throw new IllegalStateException(f.message());
        }
        Path bin;
        if (plan instanceof PostgresPlan.InstallThenStart i) {
            install(i);
            bin = i.bin();
        } else {
            bin = ((PostgresPlan.StartLocal) plan).bin();
        }
        return new Cluster(bin, root).start();
    }

    private static @Nullable Path findBinaries(Map<String, String> env) {
        String pgBin = env.get("PG_BIN");
        if (pgBin != null && !pgBin.isBlank()) {
            return hasServerBinaries(Path.of(pgBin.trim())) ? Path.of(pgBin.trim()) : null;
        }
        if (hasServerBinaries(PostgresPlan.DEBIAN_15)) {
            return PostgresPlan.DEBIAN_15;
        }
        // another Debian major version, newest first
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                return dirs.map(d -> d.resolve("bin")).filter(TestPostgres::hasServerBinaries)
                        .max(Comparator.comparingInt(TestPostgres::majorOf)).orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static int majorOf(Path bin) {
        Path version = bin.getParent() == null ? null : bin.getParent().getFileName();
        if (version == null) {
            return 0;
        }
        try {
            return Integer.parseInt(version.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** True if {@code bin} holds {@code initdb} and {@code pg_ctl}. */
    public static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
    }

    private static void install(PostgresPlan.InstallThenStart plan) {
        Path log = workBase().resolve("apt-install.log");
        System.err.println("[canarykit tests] PostgreSQL binaries missing: installing " + PostgresPlan.DEBIAN_PACKAGE
                + " with apt-get (log: " + log + ")");
        for (List<String> command : plan.commands()) {
            int rc = run(command, log, INSTALL_TIMEOUT, Map.of("DEBIAN_FRONTEND", "noninteractive"));
            if (rc != 0) {
                throw new IllegalStateException("installing PostgreSQL failed: `" + String.join(" ", command)
                        + "` exited with " + rc + ":\n" + tail(log) + PostgresPlan.HOW);
            }
        }
        if (!hasServerBinaries(plan.bin())) {
            throw new IllegalStateException("apt-get installed " + PostgresPlan.DEBIAN_PACKAGE + " but "
                    + plan.bin() + " still lacks initdb/pg_ctl" + PostgresPlan.HOW);
        }
    }

    private void awaitConnectable(Duration timeout, String what, String hint) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect()) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
                sleep(100);
            }
        }
        throw new IllegalStateException("cannot connect to PostgreSQL at " + what + ": "
                + (last == null ? "timeout" : last.getMessage()) + hint, last);
    }

    /** target/postgresql of this module. */
    static Path workBase() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "postgresql");
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return base.toAbsolutePath();
    }

    /** A throwaway cluster. */
    private static final class Cluster {
        private final Path bin;
        private final boolean root;
        private @Nullable Path dir;
        private @Nullable Path data;

        Cluster(Path bin, boolean root) {
            this.bin = bin;
            this.root = root;
        }

        TestPostgres start() {
            stopLeftovers(workBase());
            try {
                dir = clusterDir();
                data = dir.resolve("data");
                Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                String password = HexFormat.of().formatHex(randomBytes(12));
                Path pwfile = dir.resolve("pwfile");
                Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
                if (root) {
                    chownToPostgres(data);
                    chownToPostgres(pwfile);
                }
                Path log = dir.resolve("commands.log");
                int rc = run(asOwner(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                        "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                        "--locale=C.UTF-8", "--no-sync")), log, COMMAND_TIMEOUT, Map.of());
                Files.deleteIfExists(pwfile);
                if (rc != 0) {
                    throw new IllegalStateException("initdb failed (exit " + rc + "):\n" + tail(log));
                }
                Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop-test-postgres"));
                IllegalStateException last = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    int port = freePort();
                    rc = run(asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                            data.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                            "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                                    + " -c max_connections=200", "start")), log, COMMAND_TIMEOUT, Map.of());
                    if (rc == 0) {
                        TestPostgres server = new TestPostgres("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                                "postgres", password);
                        server.awaitConnectable(Duration.ofSeconds(30), "127.0.0.1:" + port,
                                "; server log:\n" + tail(data.resolve("server.log")));
                        System.err.println("[canarykit tests] PostgreSQL " + bin + " started on 127.0.0.1:" + port
                                + " in " + data);
                        return server;
                    }
                    last = new IllegalStateException("pg_ctl start failed (exit " + rc + "):\n" + tail(log) + "\n"
                            + tail(data.resolve("server.log")));
                }
                throw last;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a PostgreSQL cluster under " + workBase(), e);
            }
        }

        /** A fresh directory the postgres user can reach: under target/, or under the temp dir if target/ is closed. */
        private Path clusterDir() throws IOException {
            Path base = workBase();
            if (root && run(List.of("runuser", "-u", "postgres", "--", "test", "-x", base.toString()),
                    base.resolve("access-check.log"), COMMAND_TIMEOUT, Map.of()) != 0) {
                base = Files.createTempDirectory("canarykit-pg-");
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Path d = Files.createDirectory(base.resolve("cluster-" + ProcessHandle.current().pid() + "-"
                    + System.currentTimeMillis()));
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            // remembered in target/postgresql, wherever the cluster is, so that a later run can stop a leftover
            Files.writeString(workBase().resolve("clusters.txt"), d + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return d;
        }

        private List<String> asOwner(List<String> command) {
            if (!root) {
                return command;
            }
            List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
            out.addAll(command);
            return out;
        }

        private void stop() {
            Path dir = this.dir;
            Path data = this.data;
            if (dir == null || data == null) {
                return; // start() sets both before it adds the hook that calls this
            }
            stopCluster(bin, data, root);
            deleteTree(dir);
            Path parent = dir.getParent();
            if (parent != null && !parent.equals(workBase())
                    && String.valueOf(parent.getFileName()).startsWith("canarykit-pg-")) {
                deleteTree(parent); // the temp-dir fallback's base, now empty
            }
        }
    }

    /**
     * Stops (fast) and deletes every cluster listed in {@code base}/clusters.txt, such as those a killed test JVM left
     * in a module's {@code target/postgresql}.
     */
    public static void stopLeftovers(Path base) {
        Path list = base.resolve("clusters.txt");
        if (!Files.exists(list)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                Path dir = Path.of(line.trim());
                if (line.isBlank() || !Files.isDirectory(dir)) {
                    continue;
                }
                Path data = dir.resolve("data");
                if (Files.exists(data.resolve("postmaster.pid"))) {
                    Path bin = findBinaries(System.getenv());
                    if (bin != null) {
                        System.err.println("[canarykit tests] stopping a PostgreSQL cluster left running in " + data);
                        stopCluster(bin, data, root);
                    }
                }
                deleteTree(dir);
            }
            Files.delete(list);
        } catch (IOException e) {
            System.err.println("[canarykit tests] could not clean up old PostgreSQL clusters: " + e);
        }
    }

    private static void stopCluster(Path bin, Path data, boolean root) {
        if (data == null || !Files.exists(data.resolve("postmaster.pid"))) {
            return;
        }
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop"));
        run(command, null, COMMAND_TIMEOUT, Map.of());
    }

    // ------------------------------------------------------------------------------------------ small helpers

    private static int run(List<String> command, @Nullable Path log, Duration timeout, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void chownToPostgres(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, users.lookupPrincipalByName("postgres"));
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName("postgres"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[canarykit tests] could not delete " + dir + ": " + e);
        }
    }

    /** The URL with the values of password-like parameters masked, for messages. */
    private static String redact(String url) {
        return url.replaceAll("(?i)((?:password|pwd|secret|token)=)[^&;]*", "$1****");
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
