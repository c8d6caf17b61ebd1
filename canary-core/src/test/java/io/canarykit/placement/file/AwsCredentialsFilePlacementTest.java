package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.PlacementProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsCredentialsFilePlacementTest {
    private static final byte[] REAL = ("# my laptop\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[prod]\naws_access_key_id = "
            + "AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] REAL_CONFIG = "[default]\nregion = us-east-1\n\n[profile prod]\nregion = eu-west-1\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    private Path creds() {
        return home.resolve(".aws/credentials");
    }

    private Path config() {
        return home.resolve(".aws/config");
    }

    private AwsCredentialsFilePlacement placement(String... env) {
        return AwsCredentialsFilePlacement.builder().environment(environment(home, env)).build();
    }

    @Test
    void createsPrivateFilesInAPrivateDirectoryAndDeletesThemOnRemoval() throws IOException {
        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "profile", "billing-ro"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".aws")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config()))).isEqualTo("rw-------");
        // nothing beside the files; the lock is in the user's cache, private
        assertThat(listing(home.resolve(".aws"))).containsExactly("config", "credentials");
        Path lock = home.resolve(".cache/locks/" + PlacementFiles.LOCK_FILE);
        assertThat(lock).isEmptyFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.getParent()))).isEqualTo("rwx------");
        assertThat(new String(read(creds()), StandardCharsets.UTF_8)).isEqualTo("[billing-ro]\naws_access_key_id = "
                + "ASIAY34FZKBOKMUTVV7A\naws_secret_access_key = " + SECRET_1 + "\naws_session_token = " + TOKEN_1 + "\n");
        assertThat(new String(read(config()), StandardCharsets.UTF_8))
                .isEqualTo("[profile billing-ro]\nregion = us-east-1\noutput = json\n");
        assertThat(r.placement()).isEqualTo("aws-credentials-file");
        assertThat(r.location()).isEqualTo(creds().toString());
        assertThat(r.details()).containsEntry("profile", "billing-ro").containsEntry("accessKeyId", "ASIAY34FZKBOKMUTVV7A")
                .containsEntry("configFile", config().toString()).containsEntry("config.region", "us-east-1");
        p.remove(r);
        assertThat(creds()).doesNotExist();
        assertThat(config()).doesNotExist();
        assertThat(home.resolve(".aws")).as("the placement created the directory, so it goes too").doesNotExist();
        assertThat(p.verify(r).present()).isFalse();
    }

    @Test
    void existingFilesKeepTheirOwnerAndBecomePrivate() throws IOException {
        write(creds(), REAL);
        Files.setPosixFilePermissions(creds(), PosixFilePermissions.fromString("rw-r--r--"));
        Object owner = Files.getOwner(creds());
        placement().place(request(session1(), "profile", "billing-ro", "config", "false"));
        assertThat(Files.getOwner(creds())).isEqualTo(owner);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds()))).isEqualTo("rw-------");
    }

    @Test
    void asRootInAUsersHomeEverythingCreatedBelongsToThatUser() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        java.nio.file.attribute.UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody");
        Files.setOwner(home, nobody);
        PlacementReceipt r = placement().place(request(session1(), "profile", "ops"));
        assertThat(Files.getOwner(home.resolve(".aws"))).isEqualTo(nobody);
        assertThat(Files.getOwner(creds())).isEqualTo(nobody);
        assertThat(Files.getOwner(config())).isEqualTo(nobody);
        // root running with that user's HOME: the lock directory it creates there belongs to the user too
        assertThat(Files.getOwner(home.resolve(".cache/locks"))).isEqualTo(nobody);
        assertThat(Files.getOwner(home.resolve(".cache/locks/" + PlacementFiles.LOCK_FILE))).isEqualTo(nobody);
        assertThat(listing(home.resolve(".aws"))).containsExactly("config", "credentials");
        placement().replace(r, request(session2(), "profile", "ops"));
        assertThat(Files.getOwner(creds())).isEqualTo(nobody);
    }

    @Test
    void honoursTheSdkEnvironmentVariablesAndProperties() {
        Path c = home.resolve("elsewhere/creds");
        Path g = home.resolve("elsewhere/conf");
        AwsCredentialsFilePlacement p = placement("AWS_SHARED_CREDENTIALS_FILE", c.toString(), "AWS_CONFIG_FILE", "~/elsewhere/conf");
        PlacementReceipt r = p.place(request(session1(), "profile", "ops"));
        assertThat(r.location()).isEqualTo(c.toString());
        assertThat(c).exists();
        assertThat(g).exists();
        assertThat(creds()).doesNotExist();

        // system properties win over environment variables, as in the SDK
        Path viaProp = home.resolve("prop/creds");
        AwsCredentialsFilePlacement q = AwsCredentialsFilePlacement.builder()
                .environment(PlacementEnvironment.of(Map.of("HOME", home.toString(), "AWS_SHARED_CREDENTIALS_FILE", c.toString()),
                        Map.of("aws.sharedCredentialsFile", viaProp.toString())))
                .build();
        assertThat(q.place(request(session2(), "profile", "ops2", "config", "false")).location()).isEqualTo(viaProp.toString());
    }

    @Test
    void theSdkFindsThePlacedProfileThroughItsOwnFileLocations() {
        Path c = home.resolve("sdk/credentials");
        Path g = home.resolve("sdk/config");
        placement("AWS_SHARED_CREDENTIALS_FILE", c.toString(), "AWS_CONFIG_FILE", g.toString())
                .place(request(session1(), "profile", "legacy-deploy", "region", "eu-north-1"));
        String oldC = System.getProperty("aws.sharedCredentialsFile");
        String oldG = System.getProperty("aws.configFile");
        System.setProperty("aws.sharedCredentialsFile", c.toString());
        System.setProperty("aws.configFile", g.toString());
        try (ProfileCredentialsProvider sdk = ProfileCredentialsProvider.builder().profileName("legacy-deploy").build()) {
            assertResolvesTo(sdk.resolveCredentials(), session1());
            assertThat(ProfileFile.defaultProfileFile().profile("legacy-deploy").orElseThrow().property("region"))
                    .contains("eu-north-1");
        } finally {
            restore("aws.sharedCredentialsFile", oldC);
            restore("aws.configFile", oldG);
        }
    }

    @Test
    void neverTakesTheDefaultProfileUnlessAllowed() {
        AwsCredentialsFilePlacement p = placement();
        assertThatThrownBy(() -> p.place(request(session1(), "profile", "default")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("allow-default=true");
        assertThat(creds()).doesNotExist();

        PlacementReceipt r = p.place(request(session1(), "profile", "default", "allow-default", "true"));
        assertThat(new String(read(config()), StandardCharsets.UTF_8)).startsWith("[default]\n");
        assertResolvesTo(resolve(sdkAggregate(read(creds()), read(config())), "default"), session1());
        p.remove(r);
        assertThat(creds()).doesNotExist();

        write(creds(), REAL);
        assertThatThrownBy(() -> p.place(request(session1(), "profile", "default", "allow-default", "true")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        assertThat(read(creds())).isEqualTo(REAL);
    }

    @Test
    void neverTakesAProfileItDidNotCreateUnlessTold() {
        write(creds(), REAL);
        write(config(), "[profile sso-dev]\nsso_session = corp\nsso_account_id = 111122223333\n".getBytes(StandardCharsets.UTF_8));
        AwsCredentialsFilePlacement p = placement();
        assertThatThrownBy(() -> p.place(request(session1(), "profile", "prod")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'prod' already exists")
                .hasMessageContaining("overwrite=true");
        // a profile that exists only in the config file would be merged with the canary
        assertThatThrownBy(() -> p.place(request(session1(), "profile", "sso-dev")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'sso-dev' already exists");
        assertThat(read(creds())).isEqualTo(REAL);

        PlacementReceipt r = p.place(request(session1(), "profile", "prod", "overwrite", "true", "config", "false"));
        assertResolvesTo(resolve(sdkAggregate(read(creds()), null), "prod"), session1());
        assertThat(sdkProfiles(read(creds()), ProfileFile.Type.CREDENTIALS).get("default"))
                .isEqualTo(sdkProfiles(REAL, ProfileFile.Type.CREDENTIALS).get("default"));
        p.remove(r);
        assertThat(sdkProfiles(read(creds()), ProfileFile.Type.CREDENTIALS)).containsOnlyKeys("default");
    }

    @Test
    void placingTheSameCanaryAgainIsIdempotent() {
        write(creds(), REAL);
        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt a = p.place(request(session1(), "profile", "ops"));
        byte[] once = read(creds());
        byte[] onceConfig = read(config());
        PlacementReceipt b = p.place(request(session1(), "profile", "ops"));
        assertThat(read(creds())).isEqualTo(once);
        assertThat(read(config())).isEqualTo(onceConfig);
        assertThat(b.details()).containsAllEntriesOf(Map.of("profile", "ops", "accessKeyId", "ASIAY34FZKBOKMUTVV7A",
                "credentialsFile", a.detail("credentialsFile")));
        placement().remove(b);
        assertThat(read(creds())).isEqualTo(REAL);
    }

    @Test
    void rotationReplacesTheSectionInPlace() {
        write(creds(), REAL);
        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt first = p.place(request(session1(), "profile", "ops", "config", "false"));
        // the user adds a profile after the canary's
        byte[] withLater = (new String(read(creds()), StandardCharsets.UTF_8) + "\n[later]\naws_access_key_id = AKIALATER0000000EXAM\n")
                .getBytes(StandardCharsets.UTF_8);
        write(creds(), withLater);
        PlacementReceipt second = p.replace(first, request(longTerm1(), "profile", "ops", "config", "false"));
        String text = new String(read(creds()), StandardCharsets.UTF_8);
        assertThat(text.indexOf("[ops]")).isLessThan(text.indexOf("[later]"));
        assertThat(text).doesNotContain(SECRET_2).doesNotContain("aws_session_token = " + TOKEN_1)
                .contains("AKIAY34FZKBOKMUTVV7C");
        assertResolvesTo(resolve(sdkAggregate(read(creds()), null), "ops"), longTerm1());
        p.remove(second);
        assertThat(new String(read(creds()), StandardCharsets.UTF_8))
                .isEqualTo(new String(REAL, StandardCharsets.UTF_8) + "\n[later]\naws_access_key_id = AKIALATER0000000EXAM\n");
    }

    @Test
    void removalLeavesASectionSomeoneElseChanged() {
        write(creds(), REAL);
        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "profile", "ops", "config", "false"));
        String edited = new String(read(creds()), StandardCharsets.UTF_8).replace("ASIAY34FZKBOKMUTVV7A", "AKIAHANDEDITED000000");
        write(creds(), edited.getBytes(StandardCharsets.UTF_8));
        p.remove(r);
        assertThat(new String(read(creds()), StandardCharsets.UTF_8)).isEqualTo(edited);
        assertThat(p.verify(r).present()).isFalse();
        assertThat(p.verify(r).detail()).contains("AKIAHANDEDITED000000");
    }

    @Test
    void refusesInvalidProfileNames() {
        AwsCredentialsFilePlacement p = placement();
        for (String bad : List.of("my profile", "x]", "a#b", "ümlaut", "tab\tname", "x".repeat(129), "profile x")) {
            assertThatThrownBy(() -> p.place(request(session1(), "profile", bad)))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("invalid profile name");
        }
        assertThatThrownBy(() -> p.place(request(session1())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("needs the option profile");
        assertThatThrownBy(() -> p.place(request(session1(), "profile", "ok", "profiel", "typo")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("profiel");
        assertThat(home.resolve(".aws")).doesNotExist();
    }

    @Test
    void readOnlyFileFailsBeforeAnythingChanges() throws IOException {
        write(creds(), REAL);
        write(config(), REAL_CONFIG);
        Files.setPosixFilePermissions(config(), PosixFilePermissions.fromString("r--r--r--"));
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("read-only")
                .hasMessageContaining(config().toString());
        assertThat(read(creds())).isEqualTo(REAL);
        assertThat(read(config())).isEqualTo(REAL_CONFIG);
    }

    @Test
    void readOnlyDirectoryFailsBeforeAnythingChanges() throws IOException {
        write(creds(), REAL);
        Path dir = home.resolve(".aws");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops")))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("read-only");
            assertThat(read(creds())).isEqualTo(REAL);
            assertThat(config()).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void symbolicLinkIsFollowedOnlyIfAllowed() throws IOException {
        Path real = home.resolve("dotfiles/aws-credentials");
        write(real, REAL);
        Files.createDirectories(creds().getParent());
        Files.createSymbolicLink(creds(), real);
        assertThatThrownBy(() -> placement().place(request(session1(), "profile", "ops", "config", "false")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("symbolic link");
        assertThat(read(real)).isEqualTo(REAL);

        AwsCredentialsFilePlacement following = AwsCredentialsFilePlacement.builder().environment(environment(home))
                .files(PlacementFiles.builder().followSymlinks(true).build()).build();
        PlacementReceipt r = following.place(request(session1(), "profile", "ops", "config", "false"));
        assertThat(Files.isSymbolicLink(creds())).isTrue();
        assertResolvesTo(resolve(sdkAggregate(read(real), null), "ops"), session1());
        following.remove(r);
        assertThat(read(real)).isEqualTo(REAL);
        assertThat(Files.isSymbolicLink(creds())).isTrue();
    }

    @Test
    void sixteenConcurrentPlacementsIntoOneFileLoseNothing() throws Exception {
        write(creds(), REAL);
        write(config(), REAL_CONFIG);
        AwsCredentialsFilePlacement p = placement();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<PlacementReceipt>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                // half through one placement instance, half through their own, as separate components would
                AwsCredentialsFilePlacement target = n % 2 == 0 ? p : placement();
                Callable<PlacementReceipt> task = () -> {
                    start.await();
                    return target.place(request(numbered(n), "profile", "svc-" + n));
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<PlacementReceipt> receipts = new ArrayList<>();
            for (Future<PlacementReceipt> f : futures) {
                receipts.add(f.get());
            }
            assertPrefix(read(creds()), REAL);
            assertPrefix(read(config()), REAL_CONFIG);
            ProfileFile sdk = sdkAggregate(read(creds()), read(config()));
            for (int i = 0; i < 16; i++) {
                assertResolvesTo(resolve(sdk, "svc-" + i), numbered(i));
            }
            Map<String, Map<String, String>> all = profiles(sdk);
            assertThat(all).hasSize(18);
            assertThat(all.get("prod")).isEqualTo(profiles(sdkAggregate(REAL, REAL_CONFIG)).get("prod"));

            // and 16 removals at once give back the original bytes
            CountDownLatch again = new CountDownLatch(1);
            List<Future<?>> removals = new ArrayList<>();
            for (PlacementReceipt r : receipts) {
                removals.add(pool.submit(() -> {
                    again.await();
                    p.remove(r);
                    return null;
                }));
            }
            again.countDown();
            for (Future<?> f : removals) {
                f.get();
            }
            assertThat(read(creds())).isEqualTo(REAL);
            assertThat(read(config())).isEqualTo(REAL_CONFIG);
            assertThat(listing(home.resolve(".aws"))).containsExactly("config", "credentials");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sdkV2CannotReadAFileWithAByteOrderMarkButWePreserveIt() {
        byte[] bom = corpusBytes("credentials", "05-powershell-bom-crlf.ini");
        assertThatThrownBy(() -> ProfileFile.builder().content(new java.io.ByteArrayInputStream(bom))
                .type(ProfileFile.Type.CREDENTIALS).build().profiles())
                .hasMessageContaining("line 1");
        write(creds(), bom);
        PlacementReceipt r = placement().place(request(session1(), "profile", "ops", "config", "false"));
        assertThat(new String(read(creds()), StandardCharsets.UTF_8)).endsWith("\r\n[ops]\r\naws_access_key_id = ASIAY34FZKBOKMUTVV7A\r\n"
                + "aws_secret_access_key = " + SECRET_1 + "\r\naws_session_token = " + TOKEN_1 + "\r\n");
        placement().remove(r);
        assertThat(read(creds())).isEqualTo(bom);
    }

    @Test
    void theProviderIsFoundByTheRegistryAndReadsItsConfiguration() {
        ProviderRegistry<Placement, PlacementProvider> registry = ProviderRegistry.load(PlacementProvider.class);
        assertThat(registry.names()).contains("aws-credentials-file", "env", "credential-process", "imds",
                "container-credentials", "kubernetes-secret");
        Path c = home.resolve("x/credentials");
        String scope = "canary.placement.aws-credentials-file.";
        Placement p = registry.create("aws-credentials-file", CanaryConfig.of(Map.of(scope + "credentials-file",
                c.toString(), scope + "config-file", home.resolve("x/config").toString(), scope + "region", "ap-south-1")));
        PlacementReceipt r = p.place(request(session1(), "profile", "ops"));
        assertThat(r.location()).isEqualTo(c.toString());
        assertThat(r.detail("config.region")).isEqualTo("ap-south-1");
        assertThat(p.verify(r).present()).isTrue();
    }

    static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
