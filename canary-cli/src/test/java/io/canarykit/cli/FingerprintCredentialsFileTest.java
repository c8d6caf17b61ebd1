package io.canarykit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The credentials-file reader sees the same profiles and key ids as the AWS SDK's own parser. */
class FingerprintCredentialsFileTest {

    @Test
    void readsWhatTheSdkReads(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("credentials");
        Files.writeString(f, """
                # a comment
                ; another
                [default]
                aws_access_key_id = AKIAY34FZKBOKMUTVV7A
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

                [ci-deploy]            ; inline comment on a section line
                aws_access_key_id=ASIAY34FZKBOKMUTVV7B   # trailing comment
                aws_secret_access_key=abc
                aws_session_token=token#not-a-comment
                  continued

                [profile x]
                aws_access_key_id = AKIAIGNOREDPROFILE00

                [dup]
                aws_access_key_id = AKIAFIRSTVALUE000000
                [dup]
                aws_access_key_id = AKIASECONDVALUE00000

                [empty]
                region = eu-west-1
                """);
        List<FingerprintCredentialsFile.Profile> ours = FingerprintCredentialsFile.read(f);
        Map<String, String> ourKeys = new TreeMap<>();
        ours.forEach(p -> ourKeys.put(p.name(), String.valueOf(p.accessKeyId())));

        ProfileFile sdk = ProfileFile.builder().content(f).type(ProfileFile.Type.CREDENTIALS).build();
        Map<String, String> sdkKeys = new TreeMap<>();
        sdk.profiles().forEach((name, p) -> sdkKeys.put(name, p.property("aws_access_key_id").orElse("null")));

        assertThat(ourKeys).isEqualTo(sdkKeys);
        assertThat(ourKeys).containsEntry("ci-deploy", "ASIAY34FZKBOKMUTVV7B").containsEntry("dup", "AKIASECONDVALUE00000")
                .doesNotContainKey("profile x");
        assertThat(ours).filteredOn(p -> p.name().equals("ci-deploy")).singleElement()
                .extracting(FingerprintCredentialsFile.Profile::hasSessionToken).isEqualTo(true);
        assertThat(ours).filteredOn(p -> p.name().equals("default")).singleElement()
                .extracting(FingerprintCredentialsFile.Profile::hasSessionToken).isEqualTo(false);
        assertThat(ours).extracting(FingerprintCredentialsFile.Profile::name)
                .containsExactly("default", "ci-deploy", "dup", "empty");
    }

    @Test
    void errorsNameTheLineButNeverQuoteIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("credentials");
        Files.writeString(f, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
        assertThatThrownBy(() -> FingerprintCredentialsFile.read(f)).isInstanceOf(CliErrors.UsageException.class)
                .hasMessageContaining("credentials:1").hasMessageNotContaining("wJalr");
        Files.writeString(f, "[default\n");
        assertThatThrownBy(() -> FingerprintCredentialsFile.read(f)).hasMessageContaining("closing ']'");
    }
}
