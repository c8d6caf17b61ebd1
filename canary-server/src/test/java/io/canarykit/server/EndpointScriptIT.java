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
        // the one line for syslog names the canary by its id only: never the secret, the key id or the profile
        assertThat(first.output()).contains(live.id().value()).doesNotContain(secret)
                .doesNotContain(live.accessKeyId()).doesNotContain(EndpointFixture.PROFILE);
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

        // configured to revoke, the scheduled check (what canary serve runs) revokes the stale device's canary
        DeviceApi revoking = new DeviceApi(f.service, DeviceSettings.of(EndpointFixture.PROFILE)
                .withStale(Duration.ofDays(30), true).withStaleCheckInterval(Duration.ofMillis(100)),
                io.canarykit.CredentialKind.IAM_USER, f.clock, 65536);
        try (DeviceApi.StaleChecks checks = revoking.scheduleStaleChecks()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!f.live(d.serial).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(f.live(d.serial)).isEmpty();
        assertThat(f.service.find(r.id()).orElseThrow().status().isLive()).isFalse();
    }

    /**
     * Stealth: what the script leaves on the endpoint gives nothing away. No command line (which every local user can
     * read with ps) carries the profile or the key id; a temporary file a killed writer left beside the credentials
     * file (it holds the canary) is swept on the next run, while the user's own look-alike files stay.
     */
    @Test
    void whatTheScriptLeavesOnTheEndpointGivesNothingAway() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        Path argv = Files.createFile(d.home.getParent().resolve("argv.log"));
        Files.setPosixFilePermissions(argv, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path wrapper = d.home.getParent().resolve("sh-wrapper");
        Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + argv + "\nexec /usr/bin/dash \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> shell = Map.of("CANARY_SHELL", wrapper.toString());
        Map<String, String> first = new java.util.HashMap<>(enrol(d));
        first.putAll(shell);

        EndpointFixture.Run planted = d.run("dash", first);

        assertThat(planted.exit()).as(planted.output()).isZero();
        CanaryRecord live = f.live(d.serial).get(0);
        String lines = Files.readString(argv);
        assertThat(lines).contains("--internal-writer put " + d.home); // positive control: the writer ran through it
        assertThat(lines).doesNotContain(EndpointFixture.PROFILE).doesNotContain(live.accessKeyId());

        // a writer killed between its temporary file and the rename (power loss, SIGKILL) left the canary beside the
        // file; the user keeps look-alikes of their own
        Path aws = d.home.resolve(".aws");
        Path leftover = aws.resolve(".credentials.Ab3dE6fG9h");
        Files.writeString(leftover, "[billing-ro]\naws_access_key_id = " + live.accessKeyId()
                + "\naws_secret_access_key = x\n");
        Path theirs = aws.resolve(".credentials.0123456789");
        Files.writeString(theirs, "[work]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n");
        Path backup = aws.resolve(".credentials.bak");
        Files.writeString(backup, "[billing-ro]\naws_access_key_id = " + live.accessKeyId() + "\n");
        EndpointFixture.run(List.of("chown", EndpointFixture.USER, leftover.toString(), theirs.toString(),
                backup.toString()));
        byte[] bytes = Files.readAllBytes(d.credentials());

        EndpointFixture.Run again = d.run("bash", shell);

        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("unchanged canary=" + live.id());
        assertThat(Files.readAllBytes(d.credentials())).isEqualTo(bytes);
        assertThat(listing(aws)).containsExactly(".credentials.0123456789", ".credentials.bak", "credentials");

        EndpointFixture.Run gone = d.run("dash", shell, "--uninstall");

        assertThat(gone.exit()).as(gone.output()).isZero();
        assertThat(gone.output()).doesNotContain(live.accessKeyId()).doesNotContain(EndpointFixture.PROFILE);
        assertThat(listing(aws)).containsExactly(".credentials.0123456789", ".credentials.bak");
        assertThat(Files.readAllLines(argv)).filteredOn(l -> l.contains("--internal-writer")).hasSizeGreaterThan(2)
                .allSatisfy(l -> assertThat(l).doesNotContain(EndpointFixture.PROFILE).doesNotContain(live.accessKeyId()));
    }

    /**
     * Every input a device sends, attacked: a held canary of another device, another device's id with one's own
     * secret, hostile bodies and labels, an enrollment token used as a credential, another method or a query. Nothing
     * of another device is revealed, kept or revoked; the asset is always the authenticated device's.
     */
    @Test
    void hostileDeviceRequestsGetNothingOfAnotherDevice() throws Exception {
        EndpointFixture.Device a = f.device(nextSerial());
        EndpointFixture.Device b = f.device(nextSerial());
        String tokenA = f.enrollmentToken(a.serial);
        assertThat(a.run("dash", Map.of("CANARY_ENROLLMENT_TOKEN", tokenA)).exit()).isZero();
        assertThat(b.run("dash", enrol(b)).exit()).isZero();
        CanaryRecord ofB = f.live(b.serial).get(0);
        String credA = credential(a);
        String secretA = credA.substring(credA.indexOf(':') + 1);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(trustingTestCa()).build();

        // B's canary id as held and present: A gets a canary of its own, never B's key, and B's stays live
        java.net.http.HttpResponse<String> held = post(http, DeviceApi.CANARY, "CANARY-DEVICE " + credA,
                "{\"held\":\"" + ofB.id() + "\",\"present\":\"yes\"}");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.body()).contains("action=plant").doesNotContain(ofB.accessKeyId()).doesNotContain(ofB.id().value());
        assertThat(f.live(b.serial)).extracting(CanaryRecord::id).containsExactly(ofB.id());
        assertThat(f.live(a.serial)).hasSize(1);
        CanaryRecord ofA = f.live(a.serial).get(0);

        // B's name with A's secret; A's used enrollment token as a credential; garbage
        for (String auth : List.of("CANARY-DEVICE " + b.serial + ":" + secretA, "CANARY-ENROLL " + tokenA,
                "CANARY-DEVICE " + credA + "x", "CANARY-DEVICE " + b.serial + ":", "CANARY-DEVICE ../" + credA)) {
            assertThat(post(http, DeviceApi.CANARY, auth, "{}").statusCode()).as(auth).isEqualTo(401);
            assertThat(post(http, DeviceApi.RETIRE, auth, "{}").statusCode()).as(auth).isEqualTo(401);
        }
        // hostile bodies: refused, nothing issued
        String deep = "{\"labels\":".repeat(2000) + "{}" + "}".repeat(2000);
        for (String body : List.of("not json", "[]", "{\"asset\":{\"kind\":\"laptop\",\"id\":\"" + b.serial + "\"}}",
                "{\"held\":1,\"held\":2}", deep, "{\"labels\":{\"x\":\"" + "A".repeat(100_000) + "\"}}")) {
            java.net.http.HttpResponse<String> r;
            try {
                r = post(http, DeviceApi.CANARY, "CANARY-DEVICE " + credA, body);
            } catch (java.io.IOException closed) {
                assertThat(body.length()).as("only an oversized body may be cut off").isGreaterThan(65536);
                continue;
            }
            assertThat(r.statusCode()).as(Excerpt.of(body)).isBetween(400, 413);
            assertThat(r.body()).doesNotContain("secret-access-key");
        }
        assertThat(f.live(a.serial)).extracting(CanaryRecord::id).containsExactly(ofA.id());
        assertThat(f.live(b.serial)).extracting(CanaryRecord::id).containsExactly(ofB.id());
        // hostile labels: claims of another serial, control characters, oversized and too many labels
        StringBuilder labels = new StringBuilder("{\"serial\":\"" + b.serial + "\",\"hostname\":\"evil\\nhost\\u0000x\","
                + "\"os\":\"" + "L".repeat(5000) + "\",\"Bad Key\":\"v\",\"nested\":{\"a\":\"b\"}");
        for (int i = 0; i < 40; i++) {
            labels.append(",\"l").append(i).append("\":\"v\"");
        }
        java.net.http.HttpResponse<String> labelled = post(http, DeviceApi.CANARY, "CANARY-DEVICE " + credA,
                "{\"labels\":" + labels + "}}");
        assertThat(labelled.statusCode()).isEqualTo(200);
        CanaryRecord relabelled = f.live(a.serial).get(0);
        assertThat(relabelled.asset().ref()).isEqualTo("laptop/" + a.serial);
        assertThat(relabelled.asset().labels()).hasSizeLessThanOrEqualTo(16).doesNotContainKey("Bad Key")
                .hasEntrySatisfying("hostname", v -> assertThat(v).isEqualTo("evilhostx"))
                .hasEntrySatisfying("os", v -> assertThat(v).hasSize(200));
        assertThat(f.live(b.serial)).extracting(CanaryRecord::id).containsExactly(ofB.id());
        // other methods and a query string
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(f.api.uri().resolve(DeviceApi.CANARY))
                .header("Authorization", "CANARY-DEVICE " + credA).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(post(http, DeviceApi.RETIRE + "?device=" + b.serial, "CANARY-DEVICE " + credA, "{}").statusCode())
                .isEqualTo(405);
        // A retires itself: B is untouched
        assertThat(post(http, DeviceApi.RETIRE, "CANARY-DEVICE " + credA, "{}").statusCode()).isEqualTo(200);
        assertThat(f.live(a.serial)).isEmpty();
        assertThat(f.live(b.serial)).extracting(CanaryRecord::id).containsExactly(ofB.id());
        assertThat(post(http, DeviceApi.CANARY, "CANARY-DEVICE " + credA, "{}").statusCode()).isEqualTo(401);
    }

    /**
     * The device certificate, attacked at the authenticator itself (as if the TLS connector trusted more CAs than the
     * device CAs) and over the wire: another CA's certificate with a device's name, the trusted CA appended to its
     * chain, an expired certificate, a server certificate, a name that is no device id, a certificate beside an
     * Authorization header.
     */
    @Test
    void deviceCertificatesOfAnotherCaExpiredForServersOrBadlyNamedAreRefused() throws Exception {
        DeviceCertificateAuthenticator auth = DeviceCertificateAuthenticator.builder()
                .deviceCas(TlsSettings.certificates(f.certs.resolve("ca.pem"), null, null)).build();
        java.security.cert.X509Certificate ca = cert("ca.pem");
        java.security.cert.X509Certificate device = cert("device.pem");
        java.time.Instant now = f.clock.instant();

        assertThat(auth.authenticate(tls(now, device))).isInstanceOfSatisfying(Authentication.Accepted.class,
                a -> assertThat(a.identity().name()).isEqualTo("device:SN-MTLS-001"));
        assertThat(auth.authenticate(tls(now, cert("rogue.pem")))).isInstanceOf(Authentication.Refused.class);
        assertThat(auth.authenticate(tls(now, cert("rogue.pem"), ca))).isInstanceOf(Authentication.Refused.class);
        assertThat(auth.authenticate(tls(now.plus(Duration.ofDays(500)), device))).isInstanceOf(Authentication.Refused.class);
        assertThat(auth.authenticate(tls(now, cert("server.pem")))).isInstanceOfSatisfying(Authentication.Refused.class,
                r -> assertThat(r.reason()).contains("client authentication"));
        assertThat(auth.authenticate(tls(now, cert("badname.pem")))).isInstanceOfSatisfying(Authentication.Refused.class,
                r -> assertThat(r.reason()).contains("names no device"));
        assertThat(auth.authenticate(new AuthenticationRequest("POST", DeviceApi.CANARY, null,
                Map.of("authorization", List.of("Bearer x")), java.net.InetAddress.getLoopbackAddress(), List.of(device),
                now))).isEqualTo(Authentication.notApplicable());
        assertThat(DeviceCertificateAuthenticator.builder().deviceCas(List.of(ca))
                .identityFrom(DeviceCertificateAuthenticator.IdentityFrom.SAN_URI).identityPattern("urn:device:(.+)")
                .build().authenticate(tls(now, device))).isInstanceOf(Authentication.Refused.class);

        // over the wire, through the script: refused, nothing issued, nothing written
        EndpointFixture.Device d = f.device("SN-BADNAME");
        EndpointFixture.Run run = d.run("dash", Map.of("CANARY_CLIENT_CERT", f.certs.resolve("badname.pem").toString(),
                "CANARY_CLIENT_KEY", f.certs.resolve("badname.key").toString()));
        assertThat(run.exit()).as(run.output()).isEqualTo(3);
        assertThat(run.output()).contains("refused by the server (401)");
        assertThat(listing(d.home)).isEmpty();
        EndpointFixture.Run server = d.run("dash", Map.of("CANARY_CLIENT_CERT", f.certs.resolve("server.pem").toString(),
                "CANARY_CLIENT_KEY", f.certs.resolve("server.key").toString()));
        assertThat(server.exit()).as(server.output()).isIn(1, 3);
        assertThat(listing(d.home)).isEmpty();
        assertThat(f.live("localhost")).isEmpty();
    }

    /**
     * The user's credentials file, attacked: files the script cannot edit with certainty (NUL bytes, a lone CR, our
     * profile twice, over 1 MiB) or that are not a regular file (a FIFO that would block a reader, a directory) are
     * refused and left exactly as they are, with nothing beside them.
     */
    @Test
    void hostileCredentialsFilesAreRefusedAndLeftAsTheyAre() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("refused-unparseable", "[work]\naws_access_key_id = A\u0000B\n".getBytes(StandardCharsets.UTF_8));
        files.put("refused-unparseable ", "[work]\raws_access_key_id = AKIAI44QH8DHBEXAMPLE\n".getBytes(StandardCharsets.UTF_8));
        files.put("refused-duplicate-profile", "[billing-ro]\nregion = x\n[billing-ro]\nregion = y\n"
                .getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) '#');
        files.put("refused-too-large", big);
        Map<String, String> settings = enrol(d);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            d.credentials(e.getValue());

            EndpointFixture.Run run = d.run("dash", settings);

            assertThat(run.exit()).as(run.output()).isEqualTo(1);
            assertThat(run.output()).contains(EndpointFixture.USER + "=" + e.getKey().trim());
            assertThat(Files.readAllBytes(d.credentials())).isEqualTo(e.getValue());
            assertThat(listing(d.home.resolve(".aws"))).containsExactly("credentials");
            settings = Map.of();
        }
        Files.delete(d.credentials());
        EndpointFixture.run(List.of("mkfifo", d.credentials().toString()));
        EndpointFixture.run(List.of("chown", EndpointFixture.USER, d.credentials().toString()));
        EndpointFixture.Run fifo = d.run("bash", Map.of());
        assertThat(fifo.exit()).as(fifo.output()).isEqualTo(1);
        assertThat(fifo.output()).contains(EndpointFixture.USER + "=refused-not-a-file");
        Files.delete(d.credentials());
        Files.createDirectory(d.credentials());
        EndpointFixture.Run dir = d.run("dash", Map.of());
        assertThat(dir.output()).contains(EndpointFixture.USER + "=refused-not-a-file");
        assertThat(listing(d.credentials())).isEmpty();
    }

    /**
     * The settings file is read, never evaluated: a command substitution in a value stays text (and, as a label, is
     * sent as text inside the JSON, not as JSON), and a key the script does not know (PATH, LD_PRELOAD) is refused.
     */
    @Test
    void theSettingsFileIsNeverEvaluated() throws Exception {
        EndpointFixture.Device d = f.device(nextSerial());
        Path pwned = d.home.getParent().resolve("pwned");
        Path conf = d.home.getParent().resolve("endpoint.conf");
        String group = "$(touch " + pwned + ")`touch " + pwned + "`\",\"present\":\"yes";
        Files.writeString(conf, "# settings\nCANARY_MDM_GROUP=" + group + "\n");

        EndpointFixture.Run run = d.run("dash", Map.of("CANARY_CONFIG", conf.toString(),
                "CANARY_ENROLLMENT_TOKEN", f.enrollmentToken(d.serial)));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(Files.exists(pwned)).isFalse();
        assertThat(f.live(d.serial)).singleElement().satisfies(r ->
                assertThat(r.asset().labels()).containsEntry("mdm-group", group));

        Files.writeString(conf, "LD_PRELOAD=" + pwned + "\n");
        EndpointFixture.Run refused = d.run("bash", Map.of("CANARY_CONFIG", conf.toString()));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.output()).contains("unknown setting 'LD_PRELOAD'");
        assertThat(Files.exists(pwned)).isFalse();
    }

    private static java.security.cert.X509Certificate cert(String name) throws Exception {
        return TlsSettings.certificates(f.certs.resolve(name), null, null).get(0);
    }

    private static AuthenticationRequest tls(java.time.Instant at, java.security.cert.X509Certificate... chain) {
        return new AuthenticationRequest("POST", DeviceApi.CANARY, null, Map.of(),
                java.net.InetAddress.getLoopbackAddress(), List.of(chain), at);
    }

    private static String credential(EndpointFixture.Device d) throws Exception {
        return Files.readString(d.state.resolve("state")).lines().filter(l -> l.startsWith("device-credential="))
                .findFirst().orElseThrow().substring(18);
    }

    private static java.net.http.HttpResponse<String> post(java.net.http.HttpClient http, String path, String auth,
                                                           String body) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(f.api.uri().resolve(path)).header("Authorization", auth)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
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
