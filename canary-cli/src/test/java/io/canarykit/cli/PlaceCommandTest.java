package io.canarykit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code canary place} and {@code canary unplace}, in process through CanaryMain.run. */
class PlaceCommandTest {
    private static final String SECRET = "cLiSeCrEt/K7MDENG/bPxRfiCYzEXAMPLEKEY000";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjCLITOKEN/AQoDYXdzEPT//////////wEXAMPLE=";
    private static final String CREDENTIAL = "{\"accessKeyId\":\"ASIAY34FZKBOKMUTVV7Q\",\"secretAccessKey\":\"" + SECRET
            + "\",\"sessionToken\":\"" + TOKEN + "\",\"expiration\":\"2030-01-01T00:00:00Z\"}";
    private static final String REAL = "# real\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            + "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void restoreStdin() {
        PlaceCommand.stdin = System.in;
    }

    static CanaryCommandTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(args, new PrintWriter(out), new PrintWriter(err));
        CanaryCommandTest.Result r = new CanaryCommandTest.Result(code, out.toString(), err.toString());
        assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain(TOKEN);
        return r;
    }

    private Path credentialFile() throws Exception {
        Path f = dir.resolve("cred.json");
        Files.writeString(f, CREDENTIAL);
        return f;
    }

    @Test
    void placesIntoTheCredentialsFileAndUnplacesFromTheReceipt() throws Exception {
        Path creds = dir.resolve("aws/credentials");
        Path config = dir.resolve("aws/config");
        Files.createDirectories(creds.getParent());
        Files.writeString(creds, REAL);
        CanaryCommandTest.Result r = run("place", "--placement", "aws-credentials-file", "--credential-json",
                credentialFile().toString(), "--option", "profile=billing-ro", "--option", "credentials-file=" + creds,
                "--option", "config-file=" + config, "--asset", "laptop/LT-0042");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode receipt = JSON.readTree(r.out());
        assertThat(receipt.path("placement").asText()).isEqualTo("aws-credentials-file");
        assertThat(receipt.path("location").asText()).isEqualTo(creds.toString());
        assertThat(receipt.path("details").path("profile").asText()).isEqualTo("billing-ro");
        assertThat(receipt.path("details").path("accessKeyId").asText()).isEqualTo("ASIAY34FZKBOKMUTVV7Q");
        assertThat(receipt.path("placedAt").asText()).isNotEmpty();
        assertThat(Files.readString(creds)).startsWith(REAL).contains("[billing-ro]", SECRET, TOKEN);

        Path receiptFile = dir.resolve("receipt.json");
        Files.writeString(receiptFile, r.out());
        CanaryCommandTest.Result u = run("unplace", "--receipt", receiptFile.toString());
        assertThat(u.code()).as(u.err()).isZero();
        assertThat(u.out()).contains("removed: aws-credentials-file");
        assertThat(Files.readString(creds)).isEqualTo(REAL);
        assertThat(config).doesNotExist();
    }

    @Test
    void readsTheCredentialFromStandardInput() throws Exception {
        PlaceCommand.stdin = new ByteArrayInputStream(CREDENTIAL.getBytes(StandardCharsets.UTF_8));
        Path env = dir.resolve(".env");
        CanaryCommandTest.Result r = run("place", "--placement", "env", "--credential-json", "-", "--option",
                "path=" + env, "--option", "prefix=LEGACY_");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(env)).startsWith("LEGACY_AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7Q\n");
        // the receipt through stdin too
        PlaceCommand.stdin = new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8));
        assertThat(run("unplace", "--receipt", "-").code()).isZero();
        assertThat(env).as("the placement created the file: it must not stay behind empty").doesNotExist();
    }

    @Test
    void theSecretIsNeverTakenFromAnArgument() {
        CanaryCommandTest.Result r = run("place", "--placement", "env", "--credential-json", CREDENTIAL, "--option", "path=x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not the JSON itself");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void badInputIsAClearErrorWithoutTheSecret() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"accessKeyId\":\"ASIAY34FZKBOKMUTVV7Q\",\n\"secretAccessKey\": " + SECRET + "}");
        CanaryCommandTest.Result r = run("place", "--placement", "env", "--credential-json", bad.toString(),
                "--option", "path=" + dir.resolve(".env"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not valid JSON at line 2");

        Files.writeString(bad, "{\"accessKeyId\":\"ASIAY34FZKBOKMUTVV7Q\"}");
        assertThat(run("place", "--placement", "env", "--credential-json", bad.toString(), "--option",
                "path=" + dir.resolve(".env")).err()).contains("needs the field secretAccessKey");

        CanaryCommandTest.Result unknown = run("place", "--placement", "nope", "--credential-json", credentialFile().toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no Placement named 'nope'", "aws-credentials-file")
                .doesNotContain("terraform-tfvars"); // the sample plugin is registered in the examples' jar only

        // a device as input is not read for ever (issue 15, finding 10)
        CanaryCommandTest.Result device = run("place", "--placement", "env", "--credential-json", "/dev/zero",
                "--option", "path=" + dir.resolve(".env"));
        assertThat(device.code()).isEqualTo(1);
        assertThat(device.err()).contains("more than 65536 bytes");
        assertThat(dir.resolve(".env")).doesNotExist();

        CanaryCommandTest.Result missing = run("place", "--placement", "env");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--credential-json");

        CanaryCommandTest.Result placementError = run("place", "--placement", "aws-credentials-file", "--credential-json",
                credentialFile().toString(), "--option", "profile=default", "--option",
                "credentialsFile=" + dir.resolve("c"), "--option", "configFile=" + dir.resolve("g"));
        assertThat(placementError.code()).isEqualTo(1);
        // the old camelCase option names still work (with a deprecation warning in the log)
        assertThat(placementError.err()).contains("allow-default=true");
        assertThat(dir.resolve("c")).doesNotExist();
    }

    @Test
    void endpointPlacementsServeAndPrintTheReceipt() throws Exception {
        CanaryCommandTest.Result r = run("place", "--placement", "imds", "--credential-json", credentialFile().toString(),
                "--option", "role=web-prod", "--serve-for", "0s");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode receipt = JSON.readTree(r.out());
        assertThat(receipt.path("location").asText()).startsWith("http://127.0.0.1:")
                .endsWith("/latest/meta-data/iam/security-credentials/web-prod");
        assertThat(r.err()).contains("serving");

        Path receiptFile = dir.resolve("imds-receipt.json");
        Files.writeString(receiptFile, r.out());
        CanaryCommandTest.Result u = run("unplace", "--receipt", receiptFile.toString());
        assertThat(u.code()).isZero();
        assertThat(u.out()).contains("served by the process that placed it");
    }
}
