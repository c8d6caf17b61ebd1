package io.canarykit.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container image, tested from the tarball the build wrote ({@code target/canary-image.tar}): its config, its
 * root file system, and the image run as a container would be (see {@link ImageContainer}): {@code canary --version},
 * a missing configuration, and {@code canary serve} configured by a mounted properties file and environment
 * variables, issuing a canary through the API against the AWS emulator, its state on the data volume.
 *
 * <p>Running the image needs root (mount and PID namespaces, chroot): without it these tests fail and say so; they do
 * not skip. CI runs as root.
 */
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(2);
    private static final String VERSION = System.getProperty("canary.image.version", "0.1.0-SNAPSHOT");
    private static final String UID = System.getProperty("canary.image.uid", "10001");
    private static final String GID = System.getProperty("canary.image.gid", "10001");
    private static final String PORT = System.getProperty("canary.image.port", "8080");
    private static final Path WORK = Path.of("target", "image-it").toAbsolutePath();
    private static final String JAVA_HOME = "opt/java/openjdk";

    private static ImageTarball image;

    @BeforeAll
    static void unpack() throws Exception {
        String uid = Commands.run(List.of("id", "-u")).trim();
        if (!uid.equals("0")) {
            throw new IllegalStateException("ImageIT runs the image in its own mount and PID namespaces (unshare, mount,"
                    + " chroot), which needs root, and this build runs as uid " + uid + ": run it as root (CI does),"
                    + " or leave the image module out with -pl '!canary-image'");
        }
        for (String tool : List.of("unshare", "mount", "tar", "bash", "chown")) {
            try {
                Commands.run(List.of("sh", "-c", "command -v " + tool));
            } catch (IllegalStateException e) {
                throw new IllegalStateException("ImageIT needs '" + tool + "' (util-linux, tar, bash, coreutils)", e);
            }
        }
        try {
            Commands.run(List.of("unshare", "--mount", "--pid", "--fork", "--", "mount", "-t", "tmpfs", "tmpfs", "/mnt"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("ImageIT needs new mount and PID namespaces and mounts in them (unshare"
                    + " --mount --pid; a container running this build must be privileged): " + e.getMessage(), e);
        }
        Path tar = Path.of(System.getProperty("canary.image.tar", "target/canary-image.tar"));
        ImageContainer.killLeftovers(WORK.resolve("unpacked").resolve("rootfs"));
        image = ImageTarball.unpack(tar, WORK.resolve("unpacked"));
        long bytes = 0;
        for (Path layer : image.layers()) {
            bytes += Files.size(layer);
        }
        System.out.printf("canary image: %d layers, %.1f MB compressed%n", image.layers().size(), bytes / 1e6);
    }

    // ------------------------------------------------------------------------------------------------ config

    @Test
    void configRunsTheCanaryCommandAsANonRootUserOnTheApiPort() {
        JsonNode c = image.runConfig();
        assertThat(image.repoTags()).containsExactly("canarykit/canary:" + VERSION);
        assertThat(image.config().path("os").asText()).isEqualTo("linux");

        List<String> entrypoint = image.entrypoint();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file")
                .contains("-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp", "-Duser.home=/var/lib/canary")
                .endsWith("io.canarykit.cli.CanaryMain");
        assertThat(image.cmd()).containsExactly("serve", "--host", "0.0.0.0", "--port", PORT);

        // numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd
        assertThat(c.path("User").asText()).isEqualTo(UID + ":" + GID).doesNotStartWith("0:");
        assertThat(Integer.parseInt(UID)).isPositive();
        assertThat(names(c.path("ExposedPorts"))).containsExactly(PORT + "/tcp");
        assertThat(names(c.path("Volumes"))).containsExactly("/var/lib/canary");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/canary");
        assertThat(image.env()).contains("CANARY_CONFIG=/etc/canary/canary.properties", "HOME=/var/lib/canary",
                "LANG=C.UTF-8", "JAVA_HOME=/opt/java/openjdk", "PATH=/opt/java/openjdk/bin");
        JsonNode labels = c.path("Labels");
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("canary");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
        assertThat(labels.path("org.opencontainers.image.description").asText()).contains("non-root");
        assertThat(labels.path("io.canarykit.image.config").asText()).isEqualTo("/etc/canary/canary.properties");
        assertThat(labels.path("io.canarykit.image.data").asText()).isEqualTo("/var/lib/canary");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ file system

    @Test
    void rootFileSystemHoldsNoShellNoOtherProgramAndNothingTheUserCanChange() throws IOException {
        Path root = image.rootfs();
        Pattern sharedObject = Pattern.compile(".*\\.so(\\.[0-9]+)*");
        Set<String> programs = Set.of(JAVA_HOME + "/bin/java", JAVA_HOME + "/lib/jspawnhelper");
        List<String> executables = new ArrayList<>();
        List<String> setId = new ArrayList<>();
        List<String> changeable = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && (perms.contains(PosixFilePermission.OWNER_EXECUTE)
                        || perms.contains(PosixFilePermission.GROUP_EXECUTE) || perms.contains(PosixFilePermission.OTHERS_EXECUTE))
                        && !sharedObject.matcher(p.getFileName().toString()).matches() && !programs.contains(rel)) {
                    executables.add(rel);
                }
                if ((mode & 06000) != 0) {
                    setId.add(rel);
                }
                boolean writable = String.valueOf(owner).equals(UID) || perms.contains(PosixFilePermission.OTHERS_WRITE);
                if (writable && !rel.equals("var/lib/canary") && !rel.equals("tmp")) {
                    changeable.add(rel);
                }
            }
        }
        assertThat(executables).as("programs besides java (no shell, no package manager, no tools)").isEmpty();
        for (String shell : List.of("bin/sh", "bin/bash", "bin/dash", "bin/busybox", "usr/bin/sh", "usr/bin/bash")) {
            assertThat(root.resolve(shell)).doesNotExist();
        }
        assertThat(setId).as("setuid/setgid files").isEmpty();
        assertThat(changeable).as("files the image's user could change without a read-only root").isEmpty();

        Path data = root.resolve("var/lib/canary");
        assertThat(Files.getAttribute(data, "unix:uid")).isEqualTo(Integer.parseInt(UID));
        assertThat(Files.getAttribute(data, "unix:gid")).isEqualTo(Integer.parseInt(GID));
        assertThat((Integer) Files.getAttribute(data, "unix:mode") & 07777).isEqualTo(0700);
        assertThat((Integer) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777).isEqualTo(01777);
        assertThat(root.resolve("etc/canary")).isDirectory();
        assertThat(Files.readString(root.resolve("etc/passwd")))
                .contains("canary:x:" + UID + ":" + GID + ":canary:/var/lib/canary:");
    }

    @Test
    void applicationLayersHoldTheCommandsLibrariesAndNoTestLibrary() throws IOException {
        Path libs = image.rootfs().resolve("app/libs");
        List<String> jars;
        try (Stream<Path> s = Files.list(libs)) {
            jars = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).contains("canary-cli-" + VERSION + ".jar", "canary-server-" + VERSION + ".jar",
                "canary-core-" + VERSION + ".jar", "canary-aws-" + VERSION + ".jar", "picocli-4.7.7.jar")
                .anyMatch(j -> j.startsWith("logback-classic-"));
        // as ProductJarIT for canary.jar (Jetty is not named: WireMock brings its own, a server may bring another)
        List<String> forbidden = List.of("junit", "assertj", "opentest4j", "wiremock", "canary-testkit",
                "canary-examples", "examples-", "mockito", "jqwik", "hamcrest", "HikariCP", "jmh");
        assertThat(jars).noneMatch(j -> forbidden.stream().anyMatch(f -> j.toLowerCase().contains(f.toLowerCase())));
        // one jar per library, named by artifact and version: what an SBOM tool matches
        assertThat(jars).noneMatch(j -> j.equals("canary.jar"));
        for (String entry : Files.readString(image.rootfs().resolve("app/jib-classpath-file")).trim().split(":")) {
            if (entry.endsWith(".jar")) {
                assertThat(image.rootfs().resolve(entry.substring(1))).as("classpath entry " + entry).isRegularFile();
            }
        }
    }

    @Test
    void baseDescribesItsDebianPackagesAndJavaRuntimeForScannersAndSboms() throws Exception {
        Path root = image.rootfs();
        assertThat(Files.readString(root.resolve("etc/os-release"))).contains("ID=debian");
        List<String> packages;
        try (Stream<Path> s = Files.list(root.resolve("var/lib/dpkg/status.d"))) {
            packages = s.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(packages).contains("libc6", "libstdc++6", "libgcc-s1", "zlib1g", "base-files");
        for (String pkg : packages) {
            String control = Files.readString(root.resolve("var/lib/dpkg/status.d").resolve(pkg));
            assertThat(control).contains("Package: " + pkg + "\n").containsPattern("(?m)^Version: \\S+$");
            assertThat(root.resolve("usr/share/doc").resolve(pkg).resolve("copyright")).as(pkg + "'s copyright")
                    .exists();
        }
        String release = Files.readString(root.resolve(JAVA_HOME + "/release"));
        assertThat(release).contains("JAVA_VERSION=\"").containsPattern("MODULES=\"[^\"]*jdk\\.crypto\\.ec");
        assertThat(root.resolve(JAVA_HOME + "/legal/java.base")).isDirectory();
        // TLS to AWS needs the trusted roots
        KeyStore cacerts = KeyStore.getInstance(root.resolve(JAVA_HOME + "/lib/security/cacerts").toFile(), (char[]) null);
        assertThat(cacerts.size()).isGreaterThan(50);
    }

    // ------------------------------------------------------------------------------------------------ running

    @Test
    void versionRunsAsTheImageUserOnAReadOnlyRoot() throws Exception {
        ImageContainer.Result r = ImageContainer.of(image, WORK).args(List.of("--version")).run("version", START);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("canary " + VERSION).contains("Java 17");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void withoutAMountedConfigurationServeSaysWhatToMount() throws Exception {
        ImageContainer.Result r = ImageContainer.of(image, WORK).run("no-config", START);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("CANARY_CONFIG names /etc/canary/canary.properties, which does not exist;"
                + " mount or create it there");
    }

    @Test
    void serveAnswersOnLoopbackConfiguredByAMountedFileAndEnvironmentAndKeepsStateOnTheVolume() throws Exception {
        String token = "api-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        try (AwsEmulator aws = AwsEmulator.builder().start()) {
            EmulatedCredentials admin = aws.adminCredentials();
            Path config = Files.createDirectories(WORK.resolve("serve-config"));
            Files.writeString(config.resolve("canary.properties"), String.join("\n",
                    "canary.store=jdbc",
                    "canary.store.jdbc.url=jdbc:h2:file:/var/lib/canary/store",
                    "canary.issuers=iam-user",
                    "canary.issuer.iam-user.endpoint=" + aws.endpoint(),
                    "canary.issuer.iam-user.account-id=" + aws.accountId(),
                    "canary.issuer.iam-user.access-key-id=${env:ISSUER_ACCESS_KEY_ID}",
                    "canary.issuer.iam-user.secret-access-key=${env:ISSUER_SECRET_ACCESS_KEY}",
                    "canary.issuer.iam-user.max-attempts=1",
                    "canary.api.tokens.ci=${env:CANARY_API_TOKEN_CI}") + "\n");
            Path data = ImageContainer.volume(WORK.resolve("serve-data"), image);
            int port = freePort();
            ImageContainer container = ImageContainer.of(image, WORK).config(config).data(data)
                    .env("ISSUER_ACCESS_KEY_ID", admin.accessKeyId())
                    .env("ISSUER_SECRET_ACCESS_KEY", admin.secretAccessKey().reveal())
                    .env("CANARY_API_TOKEN_CI", token)
                    .env("AWS_EC2_METADATA_DISABLED", "true");

            // the image's own command, on a free loopback port instead of 0.0.0.0:8080 (the network is the host's)
            List<String> serve = new ArrayList<>(image.cmd());
            serve.set(serve.indexOf("--host") + 1, "127.0.0.1");
            serve.set(serve.indexOf("--port") + 1, String.valueOf(port));
            String issuedId;
            String issuedSecret;
            try (ImageContainer.Running server = container.args(serve).start("serve")) {
                server.awaitOutput("issuance API listening on", START);
                assertRunsAsTheImageUserOnAReadOnlyRoot(server.init());

                JsonNode issued = assertServes(URI.create("http://127.0.0.1:" + port), token);
                issuedId = issued.get("canaryId").asText();
                issuedSecret = issued.at("/credential/secretAccessKey").asText();
                assertThat(aws.accessKey(issued.at("/credential/accessKeyId").asText())).as("the key exists in AWS")
                        .isPresent();

                assertThat(server.stop(Duration.ofSeconds(60))).as("exit on SIGTERM").isEqualTo(143);
                String logs = server.stdout() + server.stderr();
                assertThat(issuedSecret).isNotBlank();
                assertThat(logs).doesNotContain(token, admin.secretAccessKey().reveal(), issuedSecret)
                        .doesNotContain("SLF4J"); // a logging backend is on the class path
            }
            assertThat(data.resolve("store.mv.db")).as("the store lives on the volume").isRegularFile();

            // a second container on the same volume sees what the first one stored
            ImageContainer.Result list = container.args(List.of("list", "--json")).run("list", START);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains(issuedId).doesNotContain(issuedSecret);
        }
    }

    /**
     * The server is ready (its readiness endpoint: the store on the volume reachable and migrated, the issuer's
     * credentials from the environment resolvable) and the API answers: an authenticated caller issues a canary (the
     * credential comes back once) and lists the asset's canaries; a caller without a token is refused. Returns the
     * issue response.
     */
    private static JsonNode assertServes(URI base, String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("checks").get("store").asText()).isEqualTo("UP");
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/v1/canaries"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-0042\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode issued = JSON.readTree(created.body());
        assertThat(issued.at("/credential/accessKeyId").asText()).startsWith("AKIA");

        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(base.resolve("/v1/canaries?asset=laptop/LT-0042"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(JSON.readTree(listed.body()).get("canaries")).hasSize(1);

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(base.resolve("/v1/canaries?asset=laptop/LT-0042"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        return issued;
    }

    /** What the kernel says about the container's first process: user, groups, capabilities, mounts. */
    private static void assertRunsAsTheImageUserOnAReadOnlyRoot(ProcessHandle init) throws IOException {
        Path proc = Path.of("/proc", String.valueOf(init.pid()));
        Map<String, String> status = new java.util.HashMap<>();
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            int colon = line.indexOf(':');
            status.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        assertThat(status.get("Name")).isEqualTo("java");
        assertThat(status.get("Uid").split("\\s+")).containsOnly(UID);
        assertThat(status.get("Gid").split("\\s+")).containsOnly(GID);
        assertThat(status.get("Groups")).isEmpty();
        assertThat(status.get("CapEff")).matches("0+");
        assertThat(status.get("CapPrm")).matches("0+");

        Map<String, String> mounts = new java.util.HashMap<>(); // mount point -> "fstype options"
        for (String line : Files.readAllLines(proc.resolve("mountinfo"))) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            mounts.put(f[4], f[dash + 1] + " " + f[5]);
        }
        assertThat(mounts.get("/")).as("root").containsPattern("\\bro\\b");
        assertThat(mounts.get("/tmp")).startsWith("tmpfs ").containsPattern("\\brw\\b");
        assertThat(mounts.get("/var/lib/canary")).containsPattern("\\brw\\b");
        assertThat(mounts.get("/etc/canary")).containsPattern("\\bro\\b");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
