package io.canarykit.placement;

import io.canarykit.Asset;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.Secret;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared test data: canary credentials, requests, the corpus, and the AWS SDK's own profile readers. */
public final class Fixtures {
    public static final String SECRET_1 = "cAnArYsEcReT1/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    public static final String TOKEN_1 = "IQoJb3JpZ2luX2VjEXAMPLECANARYTOKEN1AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRq+aB=";
    public static final String SECRET_2 = "sEcOnDsEcReT2/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    public static final String TOKEN_2 = "IQoJb3JpZ2luX2VjEXAMPLECANARYTOKEN2AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRq+cD=";
    public static final Instant EXPIRY = Instant.parse("2030-01-01T12:00:00Z");

    static {
        // the SDK warns about every ignored profile of the corpus and the generated files
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("software.amazon.awssdk.profiles"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    private Fixtures() {
    }

    public static CanaryCredential session1() {
        return new CanaryCredential("ASIAY34FZKBOKMUTVV7A", Secret.of(SECRET_1), Secret.of(TOKEN_1), EXPIRY);
    }

    public static CanaryCredential session2() {
        return new CanaryCredential("ASIAY34FZKBOKMUTVV7B", Secret.of(SECRET_2), Secret.of(TOKEN_2), EXPIRY.plusSeconds(3600));
    }

    public static CanaryCredential longTerm1() {
        return CanaryCredential.longTerm("AKIAY34FZKBOKMUTVV7C", Secret.of(SECRET_1));
    }

    /** A credential whose key id and secrets are derived from {@code n}. */
    public static CanaryCredential numbered(int n) {
        return new CanaryCredential(String.format("ASIAY34FZKBO%08d", n), Secret.of(SECRET_1.substring(0, 30) + n),
                Secret.of(TOKEN_1 + n), EXPIRY);
    }

    public static PlacementRequest request(CanaryCredential c, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new PlacementRequest(CanaryId.generate(Instant.parse("2026-11-28T10:00:00Z"), new Random(7)),
                Asset.of("host", "web-1"), c, o);
    }

    public static PlacementEnvironment environment(Path home, String... variables) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("HOME", home.toString());
        for (int i = 0; i < variables.length; i += 2) {
            v.put(variables[i], variables[i + 1]);
        }
        return PlacementEnvironment.of(v, Map.of());
    }

    // ---- corpus ----

    public static Path corpus() {
        try {
            return Path.of(Fixtures.class.getResource("/placement/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> corpusFiles(String folder) {
        try (Stream<Path> s = Files.list(corpus().resolve(folder))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] corpusBytes(String folder, String name) {
        try {
            return Files.readAllBytes(corpus().resolve(folder).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path p) {
        try {
            return Files.exists(p) ? Files.readAllBytes(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path p, byte[] bytes) {
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code original} is an untouched prefix of {@code actual} (without dumping bytes, which hold test secrets). */
    public static void assertPrefix(byte[] actual, byte[] original) {
        assertThat(actual).isNotNull();
        assertThat(actual.length >= original.length
                && Arrays.equals(Arrays.copyOfRange(actual, 0, original.length), original))
                .as("the original %d bytes are an untouched prefix of the %d bytes written", original.length, actual.length)
                .isTrue();
    }

    // ---- the AWS SDK's view ----

    public static boolean hasBom(byte[] b) {
        return b != null && b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    /** SDK v2 fails on a byte order mark (checked in the corpus test); give it the bytes after one. */
    public static byte[] withoutBom(byte[] b) {
        return hasBom(b) ? Arrays.copyOfRange(b, 3, b.length) : b;
    }

    public static ProfileFile sdkFile(byte[] bytes, ProfileFile.Type type) {
        InputStream in = new ByteArrayInputStream(bytes == null ? new byte[0] : withoutBom(bytes));
        return ProfileFile.builder().content(in).type(type).build();
    }

    /** Every profile with every property, as the SDK reads the file. */
    public static Map<String, Map<String, String>> sdkProfiles(byte[] bytes, ProfileFile.Type type) {
        return profiles(sdkFile(bytes, type));
    }

    public static Map<String, Map<String, String>> profiles(ProfileFile file) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Map.Entry<String, Profile> e : file.profiles().entrySet()) {
            out.put(e.getKey(), new TreeMap<>(e.getValue().properties()));
        }
        return out;
    }

    public static ProfileFile sdkAggregate(byte[] credentials, byte[] config) {
        return ProfileFile.aggregator()
                .addFile(sdkFile(credentials, ProfileFile.Type.CREDENTIALS))
                .addFile(sdkFile(config, ProfileFile.Type.CONFIGURATION))
                .build();
    }

    /** Resolves {@code profile} with the SDK's own ProfileCredentialsProvider. */
    public static AwsCredentials resolve(ProfileFile file, String profile) {
        try (ProfileCredentialsProvider p = ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build()) {
            return p.resolveCredentials();
        }
    }

    public static void assertResolvesTo(AwsCredentials got, CanaryCredential want) {
        assertThat(got.accessKeyId()).isEqualTo(want.accessKeyId());
        assertThat(got.secretAccessKey()).isEqualTo(want.secretAccessKey().reveal());
        if (want.sessionToken() != null) {
            assertThat(got).isInstanceOf(AwsSessionCredentials.class);
            assertThat(((AwsSessionCredentials) got).sessionToken()).isEqualTo(want.sessionToken().reveal());
        } else {
            assertThat(got).isNotInstanceOf(AwsSessionCredentials.class);
        }
    }
}
