package io.canarykit.server;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.Secret;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the endpoint script's tests need: the script, the shells and the AWS CLI (Debian packages, installed as root
 * when missing), a test user the script plants for, test certificates made with openssl (a CA, the server's
 * certificate, a device certificate, and a device certificate from another CA), and one HTTPS issuance API with the
 * device endpoints over the AWS emulator. Needs root, as the script does: it fails (never skips) otherwise.
 */
final class EndpointFixture implements AutoCloseable {
    static final String USER = "canarykit-t";
    static final String PROFILE = "billing-ro";
    static final Secret ENROLLMENT_KEY = Secret.of("enrollment-key-0123456789abcdef0123456789");
    static final Path SCRIPT_SOURCE = locateScript();

    final MutableClock clock = MutableClock.at(Instant.now());
    final AwsEmulator aws = AwsEmulator.builder().clock(clock).start();
    final InMemoryCanaryStore store = InMemoryCanaryStore.create();
    final CanaryService service;
    final IssuanceApi api;
    final Path base;
    final Path script;
    final Path certs;
    private int devices;

    EndpointFixture() throws Exception {
        requireRoot();
        ensurePackages();
        ensureUser();
        base = Files.createTempDirectory("canary-endpoint-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        script = base.resolve("canary-refresh.sh");
        Files.copy(SCRIPT_SOURCE, script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        certs = Files.createDirectory(base.resolve("certs"));
        makeCertificates(certs);

        IamUserIssuer issuer = IamUserIssuer.builder().iam(aws.iam()).sts(aws.sts()).accountId(aws.accountId()).build();
        service = CanaryService.builder().store(store).clock(clock)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create()).build();
        StoreReplayGuard guard = StoreReplayGuard.create(store, clock);
        api = IssuanceApi.builder().service(service).clock(clock).replayGuard(guard)
                .bearerToken("ops", Secret.of("ops-token-0123456789abcdef"))
                .permissions("ops", CallerPermissions.defaults().withAdmin(true))
                .authenticator(DeviceCertificateAuthenticator.builder()
                        .deviceCas(TlsSettings.certificates(certs.resolve("ca.pem"), null, null)).build())
                .authenticator(DeviceTokenAuthenticator.builder().enrollmentKey(ENROLLMENT_KEY).clock(clock)
                        .replayGuard(guard).store(store).build())
                .devices(DeviceSettings.of(PROFILE))
                .tls(new TlsSettings(certs.resolve("server.p12"), Secret.of("changeit"), "PKCS12",
                        TlsSettings.certificates(certs.resolve("ca.pem"), null, null), TlsSettings.ClientAuth.WANT))
                .rateLimit(6000, 500)
                .limits(ServerLimits.defaults().withMaxConnectionsPerAddress(64).withFailedAuth(6000, 500))
                .build().start();
    }

    /** A simulated device: its own state directory (root's) and home directory (the test user's). */
    Device device(String serial) throws Exception {
        Path dir = Files.createDirectory(base.resolve("device-" + (++devices)));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectory(dir.resolve("home"));
        EndpointFixture.run(List.of("chown", USER + ":" + USER, home.toString()));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        return new Device(serial, dir.resolve("state"), home);
    }

    /** An enrollment token for {@code serial}, valid for a day. */
    String enrollmentToken(String serial) {
        return DeviceTokenAuthenticator.enrollmentToken(ENROLLMENT_KEY, serial, clock.instant().plus(Duration.ofDays(1)));
    }

    /** One device. */
    final class Device {
        final String serial;
        final Path state;
        final Path home;

        Device(String serial, Path state, Path home) {
            this.serial = serial;
            this.state = state;
            this.home = home;
        }

        Path credentials() {
            return home.resolve(".aws/credentials");
        }

        /** Writes {@code content} as the user's credentials file (owned by the user, 0600, in a 0700 ~/.aws). */
        void credentials(byte[] content) throws Exception {
            Path dir = Files.createDirectories(home.resolve(".aws"));
            Files.write(credentials(), content);
            EndpointFixture.run(List.of("chown", "-R", USER + ":" + USER, dir.toString()));
            EndpointFixture.run(List.of("chmod", "700", dir.toString()));
            EndpointFixture.run(List.of("chmod", "600", credentials().toString()));
        }

        /** Runs the script as root, as MDM does, under {@code shell}, with these settings on top of the device's own. */
        Run run(String shell, Map<String, String> settings, String... args) throws Exception {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CANARY_SERVER", api.uri().toString());
            env.put("CANARY_SERVER_CA", certs.resolve("ca.pem").toString());
            env.put("CANARY_USERS", USER);
            env.put("CANARY_HOME", home.toString());
            env.put("CANARY_STATE_DIR", state.toString());
            env.put("CANARY_SERIAL", serial);
            env.put("CANARY_SHELL", "/usr/bin/" + shell);
            env.put("CANARY_CONFIG", "/nonexistent/endpoint.conf");
            env.putAll(settings);
            List<String> command = new ArrayList<>(List.of("/usr/bin/" + shell, script.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the script did not finish within 2 minutes");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        }
    }

    /** What one run of the script did. */
    record Run(int exit, String output) {
    }

    /** The live canaries of a device asset. */
    List<CanaryRecord> live(String serial) {
        return service.findByAsset("laptop", serial).stream().filter(r -> r.status().isLive()).toList();
    }

    /** Every live canary. */
    List<CanaryRecord> live() {
        return service.listAll(CanaryQuery.live());
    }

    // ------------------------------------------------------------------------------------------------ machine

    private static Path locateScript() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path s = p.resolve("integrations/endpoint/canary-refresh.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new IllegalStateException("integrations/endpoint/canary-refresh.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static void requireRoot() throws Exception {
        if (!exec(List.of("id", "-u")).trim().equals("0")) {
            throw new IllegalStateException("the endpoint script tests run as root (the script plants for other users, "
                    + "and the test installs dash, bash and awscli and adds the user " + USER + ")");
        }
    }

    private static synchronized void ensurePackages() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/dash"))) {
            missing.add("dash");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/bash"))) {
            missing.add("bash");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/aws"))) {
            missing.add("awscli");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            missing.add("openssl");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/curl"))) {
            missing.add("curl");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            missing.add("util-linux");
        }
        if (missing.isEmpty()) {
            return;
        }
        run(List.of("apt-get", "update", "-qq"));
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
        install.addAll(missing);
        run(install);
    }

    private boolean createdUser;

    private void ensureUser() throws Exception {
        if (exec(List.of("sh", "-c", "id -u " + USER + " 2>/dev/null || true")).isBlank()) {
            createdUser = true;
            run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", USER));
        }
    }

    private static void makeCertificates(Path dir) throws Exception {
        Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("device.ext"), "extendedKeyUsage=clientAuth\n");
        String ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
        String script = String.join("\n",
                "set -e",
                "cd '" + dir + "'",
                "for ca in ca other-ca; do",
                "  openssl req -x509 " + ec + " -keyout $ca.key -out $ca.pem -days 800 -subj \"/CN=canarykit test $ca\" "
                        + "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
                "done",
                "sign() { openssl req " + ec + " -keyout $1.key -out $1.csr -subj \"/CN=$2\"; "
                        + "openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -CAcreateserial -out $1.pem -days 400 "
                        + "-extfile $4; }",
                "sign server localhost ca server.ext",
                "sign device SN-MTLS-001 ca device.ext",
                "sign rogue SN-MTLS-001 other-ca device.ext",
                "sign badname 'SN 1*' ca device.ext",
                "openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -out server.p12 -passout pass:changeit",
                "chmod 600 *.key");
        run(List.of("sh", "-c", script));
    }

    static String exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish");
        }
        return out;
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + out);
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        service.close();
        aws.close();
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (createdUser) {
            run(List.of("userdel", USER));
        }
    }
}
