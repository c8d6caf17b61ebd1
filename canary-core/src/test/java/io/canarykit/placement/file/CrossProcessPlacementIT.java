package io.canarykit.placement.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FileChannel locks are per process: another JVM placing into the same file at the same time loses nothing either.
 */
class CrossProcessPlacementIT {
    private static final byte[] REAL = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    @Test
    void twoProcessesPlacingAtOnceLoseNothing() throws Exception {
        write(home.resolve(".aws/credentials"), REAL);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                PlaceFromAnotherProcess.class.getName(), home.toString(), "12"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        AwsCredentialsFilePlacement p = AwsCredentialsFilePlacement.builder().environment(environment(home)).build();
        for (int i = 0; i < 12; i++) {
            p.place(request(numbered(i), "profile", "here-" + i));
        }
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(other.exitValue()).isZero();

        byte[] creds = read(home.resolve(".aws/credentials"));
        assertPrefix(creds, REAL);
        ProfileFile sdk = sdkAggregate(creds, read(home.resolve(".aws/config")));
        for (int i = 0; i < 12; i++) {
            assertResolvesTo(resolve(sdk, "here-" + i), numbered(i));
            assertResolvesTo(resolve(sdk, "proc-" + i), numbered(100 + i));
        }
        assertThat(profiles(sdk)).hasSize(25);
        // both JVMs locked through the one lock file in the user's cache, none beside the files
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".aws"))).containsExactly("config", "credentials");
        assertThat(AwsCredentialsFilePlacementTest.listing(home.resolve(".cache/locks"))).containsExactly("files.lock");
    }
}
