package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialProcessPlacementTest {
    private static final byte[] CONFIG = "[default]\r\nregion = us-east-1\r\n# corp\r\n[profile sso]\r\nsso_session = corp\r\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    private CredentialProcessPlacement placement() {
        return CredentialProcessPlacement.builder().environment(environment(home)).build();
    }

    @Test
    void theSdksProcessCredentialsProviderReadsTheDocument() throws Exception {
        Path json = home.resolve(".config/helper/creds.json");
        PlacementReceipt r = placement().place(request(session1(), "path", json.toString(), "account-id", "123456789012"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(json))).isEqualTo("rw-------");
        try (ProcessCredentialsProvider sdk = ProcessCredentialsProvider.builder().command(java.util.List.of("cat", json.toString())).build()) {
            AwsCredentials got = sdk.resolveCredentials();
            assertResolvesTo(got, session1());
            assertThat(((AwsSessionCredentials) got).expirationTime()).contains(EXPIRY);
            assertThat(got.accountId()).contains("123456789012");
        }
        assertThat(placement().verify(r).present()).isTrue();
        placement().remove(r);
        assertThat(json).doesNotExist();
        assertThat(placement().verify(r).present()).isFalse();
    }

    @Test
    void longTermCredentialsHaveNoTokenAndNoExpiration() {
        Path json = home.resolve("creds.json");
        placement().place(request(longTerm1(), "path", json.toString()));
        assertThat(new String(read(json), StandardCharsets.UTF_8)).contains("\"Version\" : 1").doesNotContain("SessionToken")
                .doesNotContain("Expiration");
        try (ProcessCredentialsProvider sdk = ProcessCredentialsProvider.builder().command(java.util.List.of("cat", json.toString())).build()) {
            assertResolvesTo(sdk.resolveCredentials(), longTerm1());
        }
    }

    @Test
    void aConfigProfileRunsTheCommandForEverySdk() {
        Path json = home.resolve("helper dir/creds.json");
        write(home.resolve(".aws/config"), CONFIG);
        CredentialProcessPlacement p = placement();
        PlacementReceipt r = p.place(request(session1(), "path", json.toString(), "profile", "vault"));
        assertThat(r.detail("config.credential_process")).isEqualTo("cat \"" + json + "\"");
        assertPrefix(read(home.resolve(".aws/config")), CONFIG);
        ProfileFile sdk = sdkAggregate(null, read(home.resolve(".aws/config")));
        assertResolvesTo(resolve(sdk, "vault"), session1());

        PlacementReceipt r2 = p.replace(r, request(session2(), "path", json.toString(), "profile", "vault"));
        assertResolvesTo(resolve(sdkAggregate(null, read(home.resolve(".aws/config"))), "vault"), session2());
        p.remove(r); // stale receipt: the document now holds the next canary, nothing goes
        assertThat(json).exists();
        p.remove(r2);
        assertThat(json).doesNotExist();
        assertThat(read(home.resolve(".aws/config"))).isEqualTo(CONFIG);
    }

    @Test
    void refusesToReplaceAFileOrProfileItDidNotWrite() {
        Path json = home.resolve("creds.json");
        write(json, "{\"Version\":1,\"AccessKeyId\":\"AKIAREALREALREAL0000\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> placement().place(request(session1(), "path", json.toString())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        write(home.resolve(".aws/config"), CONFIG);
        assertThatThrownBy(() -> placement().place(request(session1(), "path", home.resolve("x.json").toString(),
                "profile", "sso"))).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("'sso' already exists");
        assertThat(home.resolve("x.json")).doesNotExist();
        assertThat(read(home.resolve(".aws/config"))).isEqualTo(CONFIG);
    }
}
