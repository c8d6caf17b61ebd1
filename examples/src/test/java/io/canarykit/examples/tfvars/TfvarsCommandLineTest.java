package io.canarykit.examples.tfvars;

import io.canarykit.cli.CanaryMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin placement works from the command line of the examples' jar, where its service file is registered. */
class TfvarsCommandLineTest {
    private static final String SECRET = "cLiSeCrEt/K7MDENG/bPxRfiCYzEXAMPLEKEY000";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjCLITOKEN/AQoDYXdzEPT//////////wEXAMPLE=";

    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(out + err.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void thePluginPlacementWorksFromTheCommandLine() throws Exception {
        Path cred = dir.resolve("cred.json");
        Files.writeString(cred, "{\"accessKeyId\":\"ASIAY34FZKBOKMUTVV7Q\",\"secretAccessKey\":\"" + SECRET
                + "\",\"sessionToken\":\"" + TOKEN + "\",\"expiration\":\"2030-01-01T00:00:00Z\"}");
        Path tfvars = dir.resolve("prod.auto.tfvars");
        String[] r = run("place", "--placement", "terraform-tfvars", "--credential-json", cred.toString(),
                "--option", "path=" + tfvars);
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(Files.readString(tfvars)).contains("aws_access_key = \"ASIAY34FZKBOKMUTVV7Q\"");
        Path receiptFile = dir.resolve("r.json");
        Files.writeString(receiptFile, r[1]);
        assertThat(run("unplace", "--receipt", receiptFile.toString())[0]).isEqualTo("0");
        assertThat(tfvars).doesNotExist();
    }
}
