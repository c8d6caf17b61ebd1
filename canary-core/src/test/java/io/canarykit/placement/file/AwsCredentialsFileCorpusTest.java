package io.canarykit.placement.file;

import io.canarykit.PlacementReceipt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte-preservation corpus: real-world-shaped credentials and config files. For each one: the SDK and our parser
 * read the same profiles; placing appends and keeps the original as an untouched prefix; the SDK's
 * ProfileCredentialsProvider resolves the placed profile to the canary and every other profile as before; rotation
 * resolves to the new canary; removal gives back the original bytes. Unparseable files are refused at the line the
 * SDK also fails on, and left byte-for-byte.
 */
class AwsCredentialsFileCorpusTest {
    private static final String PROFILE = "billing-ro";
    private static final byte[] PLAIN_CREDENTIALS = corpusBytes("credentials", "02-aws-configure-default.ini");
    private static final byte[] PLAIN_CONFIG = corpusBytes("config", "27-default-config.ini");

    @TempDir
    Path home;

    static List<String> credentialsFixtures() {
        return corpusFiles("credentials");
    }

    static List<String> configFixtures() {
        return corpusFiles("config");
    }

    static List<String> invalidFixtures() {
        return corpusFiles("invalid");
    }

    @org.junit.jupiter.api.Test
    void theCorpusHasAtLeastThirtyFiles() {
        assertThat(credentialsFixtures().size() + configFixtures().size()).isGreaterThanOrEqualTo(30);
        assertThat(invalidFixtures()).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialsFixtures")
    void credentialsFile(String fixture) {
        roundTrip(corpusBytes("credentials", fixture), PLAIN_CONFIG);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configFixtures")
    void configFile(String fixture) {
        roundTrip(PLAIN_CREDENTIALS, corpusBytes("config", fixture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialsFixtures")
    void credentialsFileWithoutConfigFile(String fixture) {
        byte[] original = corpusBytes("credentials", fixture);
        Path creds = home.resolve(".aws/credentials");
        write(creds, original);
        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt r = p.place(request(longTerm1(), "profile", PROFILE, "config", "false"));
        assertThat(Files.exists(home.resolve(".aws/config"))).isFalse();
        assertResolvesTo(resolve(sdkAggregate(read(creds), null), PROFILE), longTerm1());
        p.remove(r);
        assertThat(read(creds)).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void unparseableFileIsLeftUntouchedAndTheErrorNamesTheLine(String fixture) throws IOException {
        Matcher m = Pattern.compile("(credentials|config)\\.L(\\d+)\\..*").matcher(fixture);
        assertThat(m.matches()).isTrue();
        boolean isConfig = m.group(1).equals("config");
        int line = Integer.parseInt(m.group(2));
        byte[] bad = corpusBytes("invalid", fixture);
        Path creds = home.resolve(".aws/credentials");
        Path config = home.resolve(".aws/config");
        write(creds, isConfig ? PLAIN_CREDENTIALS : bad);
        write(config, isConfig ? bad : PLAIN_CONFIG);

        // the SDK cannot read it either
        assertThatThrownBy(() -> sdkProfiles(bad, isConfig ? ProfileFile.Type.CONFIGURATION : ProfileFile.Type.CREDENTIALS))
                .isInstanceOf(RuntimeException.class);

        assertThatThrownBy(() -> placement().place(request(session1(), "profile", PROFILE)))
                .isInstanceOfSatisfying(ProfileFileSyntaxException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).contains("line " + line).contains(isConfig ? "config" : "credentials")
                            .doesNotContain(SECRET_1).doesNotContain("wJalrXUtnFEMI");
                });
        assertThat(read(creds)).isEqualTo(isConfig ? PLAIN_CREDENTIALS : bad);
        assertThat(read(config)).isEqualTo(isConfig ? bad : PLAIN_CONFIG);
        try (Stream<Path> s = Files.list(home.resolve(".aws"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")))
                    .containsExactlyInAnyOrder("credentials", "config");
        }
    }

    private void roundTrip(byte[] originalCreds, byte[] originalConfig) {
        Path creds = home.resolve(".aws/credentials");
        Path config = home.resolve(".aws/config");
        write(creds, originalCreds);
        write(config, originalConfig);

        // our parser reads what the SDK reads
        assertThat(ProfileParsing.ourProfiles(originalCreds, ProfileDocument.Kind.CREDENTIALS))
                .isEqualTo(sdkProfiles(originalCreds, ProfileFile.Type.CREDENTIALS));
        assertThat(ProfileParsing.ourProfiles(originalConfig, ProfileDocument.Kind.CONFIG))
                .isEqualTo(sdkProfiles(originalConfig, ProfileFile.Type.CONFIGURATION));
        Map<String, Map<String, String>> before = profiles(sdkAggregate(originalCreds, originalConfig));

        AwsCredentialsFilePlacement p = placement();
        PlacementReceipt first = p.place(request(session1(), "profile", PROFILE, "region", "eu-west-1"));
        assertPrefix(read(creds), originalCreds);
        assertPrefix(read(config), originalConfig);
        ProfileFile sdk = sdkAggregate(read(creds), read(config));
        assertResolvesTo(resolve(sdk, PROFILE), session1());
        assertThat(sdk.profile(PROFILE).orElseThrow().property("region")).contains("eu-west-1");
        assertThat(withoutProfile(profiles(sdk))).isEqualTo(before);
        assertThat(p.verify(first).present()).isTrue();

        PlacementReceipt second = p.replace(first, request(session2(), "profile", PROFILE, "region", "eu-west-1"));
        assertPrefix(read(creds), originalCreds);
        sdk = sdkAggregate(read(creds), read(config));
        assertResolvesTo(resolve(sdk, PROFILE), session2());
        assertThat(withoutProfile(profiles(sdk))).isEqualTo(before);
        assertThat(p.verify(first).present()).isFalse();
        assertThat(p.verify(second).present()).isTrue();

        p.remove(first); // the old receipt's key is gone: nothing to remove
        assertThat(p.verify(second).present()).isTrue();
        p.remove(second);
        assertThat(read(creds)).isEqualTo(originalCreds);
        assertThat(read(config)).isEqualTo(originalConfig);
        p.remove(second); // idempotent
        assertThat(read(creds)).isEqualTo(originalCreds);
        try (Stream<Path> s = Files.list(home.resolve(".aws"))) {
            assertThat(s.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".lock")).collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("credentials", "config");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Map<String, String>> withoutProfile(Map<String, Map<String, String>> profiles) {
        Map<String, Map<String, String>> m = new TreeMap<>(profiles);
        m.remove(PROFILE);
        return m;
    }

    private AwsCredentialsFilePlacement placement() {
        return AwsCredentialsFilePlacement.builder().environment(environment(home)).build();
    }
}
