package io.canarykit.server;

import io.canarykit.Asset;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code integrations/endpoint/canary-refresh.sh} under dash and bash, run as root as MDM runs it, against the HTTPS
 * issuance API and the AWS emulator: what it plants, that it changes nothing a second time, rotation, uninstall,
 * refusals, symbolic links, mutual TLS, and the SDK and the AWS CLI reading the planted profile.
 */
class EndpointScriptIT {
    /** A crowded credentials file: SSO and CRLF and comments of both kinds, an indented value, no final newline. */
    static final byte[] CROWDED = ("; managed by hand\r\n"
            + "[default]\r\n"
            + "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n"
            + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY # the real one\r\n"
            + "\r\n"
            + "[sso-session corp]\r\n"
            + "sso_start_url = https://corp.awsapps.com/start\r\n"
            + "sso_region = eu-west-1\r\n"
            + "\r\n"
            + "# prod via SSO\r\n"
            + "[prod]\r\n"
            + "sso_session = corp\r\n"
            + "sso_account_id = 111122223333\r\n"
            + "s3 =\r\n"
            + "  max_concurrent_requests = 20\r\n"
            + "[billing]\r\n"
            + "aws_access_key_id = AKIAI44QH8DHBEXAMPLE\r\n"
            + "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY ; trailing").getBytes(StandardCharsets.UTF_8);

    static EndpointFixture f;
    static int serial;

    @BeforeAll
    static void start() throws Exception {
        f = new EndpointFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private static synchronized String nextSerial() {
        return "SN-T" + String.format("%03d", ++serial);
    }

    private static Map<String, String> enrol(EndpointFixture.Device d) {
        return Map.of("CANARY_ENROLLMENT_TOKEN", f.enrollmentToken(d.serial));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    private static String owner(Path p) throws Exception {
        return Files.getOwner(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
    }

    private static String secretIn(Path credentials) {
        return ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build()
                .profile(EndpointFixture.PROFILE).orElseThrow().property("aws_secret_access_key").orElseThrow();
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void aFreshHomeGetsTheProfileAndASecondRunChangesNothing(String shell) throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        Map<String, String> token = enrol(d);
        ApiTestBed.Logs logs = new ApiTestBed.Logs();

        EndpointFixture.Run first;
        try {
            first = d.run(shell, token);
        } finally {
            logs.close();
        }

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("canary-refresh: planted canary=").contains(USER_OK);
        CanaryRecord live = f.live(d.serial).get(0);
        assertThat(f.live(d.serial)).hasSize(1);
        assertThat(live.asset().labels()).containsEntry("serial", d.serial).containsEntry("user", EndpointFixture.USER)
                .containsKeys("hostname", "os");
        String secret = secretIn(d.credentials());
        String expected = "[billing-ro]\naws_access_key_id = " + live.accessKeyId() + "\naws_secret_access_key = "
                + secret + "\n";
        assertThat(Files.readString(d.credentials())).isEqualTo(expected);
        assertThat(mode(d.credentials())).isEqualTo("rw-------");
        assertThat(mode(d.home.resolve(".aws"))).isEqualTo("rwx------");
        assertThat(owner(d.credentials())).isEqualTo(EndpointFixture.USER);
        assertThat(owner(d.home.resolve(".aws"))).isEqualTo(EndpointFixture.USER);
        assertThat(listing(d.home.resolve(".aws"))).containsExactly("credentials");
        assertThat(listing(d.home)).containsExactly(".aws");
        // the state: root's, 0600 in 0700, the key id and device credential but never the canary's secret
        Path state = d.state.resolve("state");
        assertThat(mode(d.state)).isEqualTo("rwx------");
        assertThat(mode(state)).isEqualTo("rw-------");
        assertThat(listing(d.state)).containsExactly("state");
        assertThat(Files.readString(state)).contains("access-key-id=" + live.accessKeyId()).contains("device-credential=")
                .doesNotContain(secret);
        assertThat(first.output()).contains(live.accessKeyId()).doesNotContain(secret);
        // the server's log: the device and its canary (positive control), never a secret, credential or token
        String deviceSecret = Files.readString(state).lines().filter(l -> l.startsWith("device-credential="))
                .findFirst().orElseThrow().replaceFirst(".*:", "");
        assertThat(logs.text()).contains("device " + d.serial + " enrolled").contains(live.id().value())
                .doesNotContain(secret).doesNotContain(deviceSecret)
                .doesNotContain(token.get("CANARY_ENROLLMENT_TOKEN"));

        FileTime before = Files.getLastModifiedTime(d.credentials());
        byte[] bytes = Files.readAllBytes(d.credentials());
        byte[] stateBytes = Files.readAllBytes(state);
        EndpointFixture.Run second = d.run(shell, Map.of());

        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).contains("canary-refresh: unchanged canary=" + live.id());
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(d.credentials())).isEqualTo(before);
        assertThat(Files.readAllBytes(state)).isEqualTo(stateBytes);
        assertThat(f.live(d.serial)).extracting(CanaryRecord::id).containsExactly(live.id());

        EndpointFixture.Run gone = d.run(shell, Map.of(), "--uninstall");
        assertThat(gone.exit()).as(gone.output()).isZero();
        assertThat(listing(d.home)).as("nothing left in the home directory").isEmpty();
        assertThat(Files.exists(d.state)).isFalse();
        assertThat(f.live(d.serial)).isEmpty();
    }

    private static final String USER_OK = EndpointFixture.USER + "=planted";

    /**
     * A crowded file: the script's bytes equal the Java placement's for the same credential, on the first plant and on
     * rotation (only its section changes), and uninstall gives back the original bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void aCrowdedFileKeepsEveryOtherByteThroughRotationAndUninstall(String shell) throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        d.credentials(CROWDED);

        EndpointFixture.Run first = d.run(shell, enrol(d));

        assertThat(first.exit()).as(first.output()).isZero();
        CanaryRecord one = f.live(d.serial).get(0);
        Path java = Files.createTempFile("java-placement", ".credentials");
        Files.write(java, CROWDED);
        AwsCredentialsFilePlacement placement = AwsCredentialsFilePlacement.create();
        PlacementReceipt receipt = placement.place(request(one, secretIn(d.credentials()), java));
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(Files.readAllBytes(java));
        assertThat(new String(Files.readAllBytes(d.credentials()), StandardCharsets.UTF_8))
                .startsWith(new String(CROWDED, StandardCharsets.UTF_8) + "\r\n\r\n[billing-ro]\r\n");

        // the server decides to rotate: the canary is past its maximum age (long-term canaries are replaced)
        f.clock.advance(Duration.ofDays(31));
        EndpointFixture.Run rotated = d.run(shell, Map.of());

        assertThat(rotated.exit()).as(rotated.output()).isZero();
        assertThat(rotated.output()).contains("canary-refresh: rotated canary=");
        assertThat(f.live(d.serial)).hasSize(1);
        CanaryRecord two = f.live(d.serial).get(0);
        assertThat(two.id()).isNotEqualTo(one.id());
        assertThat(f.service.find(one.id()).orElseThrow().status().isLive()).isFalse();
        placement.replace(receipt, request(two, secretIn(d.credentials()), java));
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(Files.readAllBytes(java));
        assertThat(Files.readString(d.credentials())).doesNotContain(one.accessKeyId()).contains(two.accessKeyId());

        EndpointFixture.Run gone = d.run(shell, Map.of(), "--uninstall");

        assertThat(gone.exit()).as(gone.output()).isZero();
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(CROWDED);
        assertThat(listing(d.home.resolve(".aws"))).containsExactly("credentials");
        assertThat(f.live(d.serial)).isEmpty();
        Files.delete(java);
    }

    private static PlacementRequest request(CanaryRecord r, String secret, Path file) {
        return new PlacementRequest(r.id(), Asset.of("laptop", "x"), CanaryCredential.longTerm(r.accessKeyId(),
                Secret.of(secret)), Map.of("profile", EndpointFixture.PROFILE, "config", "false",
                "credentials-file", file.toString()));
    }

    @Test
    void aProfileItDidNotWriteIsNeverTaken() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        byte[] theirs = "[billing-ro]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = x\n"
                .getBytes(StandardCharsets.UTF_8);
        d.credentials(theirs);

        EndpointFixture.Run run = d.run("dash", enrol(d));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains(EndpointFixture.USER + "=refused-profile-taken");
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(theirs);
        assertThat(listing(d.home.resolve(".aws"))).containsExactly("credentials");
    }

    @Test
    void aRefusedRequestLeavesTheFileUntouched() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        d.credentials(CROWDED);
        String token = f.enrollmentToken(d.serial);
        EndpointFixture.Device other = f.device(nextSerial());
        assertThat(other.run("dash", Map.of("CANARY_ENROLLMENT_TOKEN", f.enrollmentToken(other.serial))).exit()).isZero();

        // a token of another device, a forged one, and one used already: 401 each, nothing written
        String forged = token.substring(0, token.length() - 4) + "AAAA";
        for (String t : List.of(f.enrollmentToken(other.serial), forged)) {
            EndpointFixture.Run run = d.run("dash", Map.of("CANARY_ENROLLMENT_TOKEN", t));
            assertThat(run.exit()).as(run.output()).isEqualTo(3);
            assertThat(run.output()).contains("refused by the server (401)");
            assertThat(Files.readAllBytes(d.credentials())).isEqualTo(CROWDED);
        }
        assertThat(f.live(d.serial)).isEmpty();
        assertThat(listing(d.home.resolve(".aws"))).containsExactly("credentials");
    }

    @Test
    void aSymlinkedAwsDirectoryIsRefusedUnlessConfigured() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        Path elsewhere = Files.createDirectory(d.home.getParent().resolve("elsewhere"));
        EndpointFixture.run(List.of("chown", EndpointFixture.USER, elsewhere.toString()));
        Files.createSymbolicLink(d.home.resolve(".aws"), elsewhere);

        EndpointFixture.Run refused = d.run("bash", enrol(d));

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains(EndpointFixture.USER + "=refused-symlink");
        assertThat(listing(elsewhere)).isEmpty();

        EndpointFixture.Run allowed = d.run("bash", Map.of("CANARY_ALLOW_SYMLINKED_AWS_DIR", "1"));

        assertThat(allowed.exit()).as(allowed.output()).isZero();
        assertThat(listing(elsewhere)).containsExactly("credentials");
        assertThat(f.live(d.serial)).hasSize(1);
    }

    /**
     * The attack on root writing into a user's home: even with symbolic links allowed, a link from the user's
     * {@code ~/.aws} or credentials file to a root-owned directory or file gets nothing written there, because the
     * script edits as the user.
     */
    @Test
    void evenWithSymlinksAllowedTheUserCannotMakeRootWriteElsewhere() throws Exception {
        Map<String, String> allow = Map.of("CANARY_ALLOW_SYMLINKED_AWS_DIR", "1");
        EndpointFixture.Device d = f.device(nextSerial());
        Path rootDir = Files.createDirectory(d.home.getParent().resolve("root-owned"));
        Files.setPosixFilePermissions(rootDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shadow = rootDir.resolve("shadow");
        byte[] secretFile = "root:$6$secret:19000:0:99999:7:::\n".getBytes(StandardCharsets.UTF_8);
        Files.write(shadow, secretFile);
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-------"));
        Path aws = Files.createDirectory(d.home.resolve(".aws"));
        EndpointFixture.run(List.of("chown", EndpointFixture.USER, aws.toString()));
        Files.createSymbolicLink(aws.resolve("credentials"), shadow);

        EndpointFixture.Run viaFile = d.run("dash", Map.of("CANARY_ALLOW_SYMLINKED_AWS_DIR", "1",
                "CANARY_ENROLLMENT_TOKEN", f.enrollmentToken(d.serial)));

        assertThat(viaFile.exit()).isEqualTo(1);
        assertThat(viaFile.output()).contains(EndpointFixture.USER + "=refused");
        assertThat(Files.readAllBytes(shadow)).isEqualTo(secretFile);
        assertThat(owner(shadow)).isEqualTo("root");
        assertThat(listing(rootDir)).containsExactly("shadow");

        Files.delete(aws.resolve("credentials"));
        Files.delete(aws);
        Files.createSymbolicLink(aws, rootDir);
        EndpointFixture.Run viaDir = d.run("bash", allow);

        assertThat(viaDir.exit()).isEqualTo(1);
        assertThat(viaDir.output()).contains(EndpointFixture.USER + "=refused");
        assertThat(listing(rootDir)).containsExactly("shadow");
        assertThat(Files.readAllBytes(shadow)).isEqualTo(secretFile);
    }

    @Test
    void mutualTlsDeviceAndTheSdkAndAwsCliReadTheProfile() throws Exception {
        EndpointFixture.Device d = f.device("SN-MTLS-001");
        Map<String, String> cert = Map.of("CANARY_CLIENT_CERT", f.certs.resolve("device.pem").toString(),
                "CANARY_CLIENT_KEY", f.certs.resolve("device.key").toString());

        EndpointFixture.Run run = d.run("dash", cert);

        assertThat(run.exit()).as(run.output()).isZero();
        CanaryRecord r = f.live("SN-MTLS-001").get(0);
        assertThat(r.attributes()).containsEntry(io.canarykit.CanaryService.ATTR_OWNER, "device:SN-MTLS-001");

        // the SDK
        try (StsClient sts = f.aws.configure(StsClient.builder(), f.aws.adminCredentials(), Region.US_EAST_1)
                .credentialsProvider(ProfileCredentialsProvider.builder().profileName(EndpointFixture.PROFILE)
                        .profileFile(ProfileFile.builder().content(d.credentials()).type(ProfileFile.Type.CREDENTIALS)
                                .build()).build()).build()) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo(r.principal().arn());
        }
        // the AWS CLI (Debian awscli)
        ProcessBuilder cli = new ProcessBuilder("/usr/bin/aws", "--profile", EndpointFixture.PROFILE, "--endpoint-url",
                f.aws.endpoint().toString(), "--output", "text", "--query", "Arn", "sts", "get-caller-identity")
                .redirectErrorStream(true);
        cli.environment().clear();
        cli.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "HOME", d.home.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", d.credentials().toString(), "AWS_CONFIG_FILE", "/nonexistent/config",
                "AWS_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true"));
        Process p = cli.start();
        String arn = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(arn).isZero();
        assertThat(arn).isEqualTo(r.principal().arn());

        // a certificate with the same name from another CA: the handshake fails, nothing is issued or written
        EndpointFixture.Device rogue = f.device("SN-MTLS-001");
        EndpointFixture.Run refused = rogue.run("dash", Map.of("CANARY_CLIENT_CERT", f.certs.resolve("rogue.pem").toString(),
                "CANARY_CLIENT_KEY", f.certs.resolve("rogue.key").toString()));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("cannot reach");
        assertThat(listing(rogue.home)).isEmpty();
        assertThat(f.live("SN-MTLS-001")).extracting(CanaryRecord::id).containsExactly(r.id());

        assertThat(d.run("dash", cert, "--uninstall").exit()).isZero();
        assertThat(f.live("SN-MTLS-001")).isEmpty();
        assertThat(listing(d.home)).isEmpty();
    }

    @Test
    void theDeviceIdentityReachesNothingButTheDeviceEndpoints() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        assertThat(d.run("dash", enrol(d)).exit()).isZero();
        String credential = Files.readString(d.state.resolve("state")).lines()
                .filter(l -> l.startsWith("device-credential=")).findFirst().orElseThrow().substring(18);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(trustingTestCa()).build();
        java.net.http.HttpResponse<String> issue = http.send(java.net.http.HttpRequest.newBuilder(
                        f.api.uri().resolve("/v1/canaries")).header("Authorization", "CANARY-DEVICE " + credential)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"asset\":{\"kind\":\"laptop\",\"id\":\"x\"}}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(issue.statusCode()).isEqualTo(403);
        assertThat(f.live("x")).isEmpty();
        assertThat(CanaryId.class).isNotNull();
    }

    @Test
    void aDeviceNotSeenForThirtyDaysIsReportedAndByConfigurationRevoked() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        assertThat(d.run("dash", enrol(d)).exit()).isZero();
        CanaryRecord r = f.live(d.serial).get(0);
        assertThat(f.api.devices().checkStale()).extracting(DeviceApi.StaleDevice::device).doesNotContain(d.serial);

        f.clock.advance(Duration.ofDays(31));

        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(trustingTestCa()).build();
        java.net.http.HttpResponse<String> stale = http.send(java.net.http.HttpRequest.newBuilder(
                f.api.uri().resolve("/v1/devices/stale")).header("Authorization", "Bearer ops-token-0123456789abcdef")
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).contains("device=" + d.serial + " last-seen=").contains(r.id().value())
                .contains("revoked=false");
        assertThat(f.live(d.serial)).hasSize(1);
        // a device may not ask
        String credential = Files.readString(d.state.resolve("state")).lines()
                .filter(l -> l.startsWith("device-credential=")).findFirst().orElseThrow().substring(18);
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(f.api.uri().resolve("/v1/devices/stale"))
                .header("Authorization", "CANARY-DEVICE " + credential).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        DeviceApi revoking = new DeviceApi(f.service, DeviceSettings.of(EndpointFixture.PROFILE)
                .withStale(Duration.ofDays(30), true), io.canarykit.CredentialKind.IAM_USER, f.clock, 65536);
        assertThat(revoking.checkStale()).filteredOn(s -> s.device().equals(d.serial)).singleElement()
                .satisfies(s -> assertThat(s.revoked()).isTrue());
        assertThat(f.live(d.serial)).isEmpty();
    }

    private static javax.net.ssl.SSLContext trustingTestCa() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", TlsSettings.certificates(f.certs.resolve("ca.pem"), null, null).get(0));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
