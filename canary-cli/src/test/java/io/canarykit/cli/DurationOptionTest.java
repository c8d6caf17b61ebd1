package io.canarykit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.canarykit.cli.CanaryCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The duration options ({@code --wait}, {@code --interval}, {@code --valid}): an empty value is a usage error. */
class DurationOptionTest {

    @Test
    void aDurationIsReadAsAConfigurationValue() {
        assertThat(Cli.duration("--interval", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Cli.duration("--valid", "14d")).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void anEmptyDurationIsAUsageErrorNamingTheOption() {
        for (String blank : new String[] {"", "  "}) {
            assertThatThrownBy(() -> Cli.duration("--wait", blank))
                    .isInstanceOf(CliErrors.UsageException.class)
                    .hasMessage("--wait needs a duration, such as 30s, 10m or 14d (got an empty value)");
        }
    }

    /** It was a NullPointerException: the configuration reads an empty value as absent, and its duration as null. */
    @Test
    void deviceTokenWithAnEmptyValidityIsAUsageErrorNotANullPointerException(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("canary.properties");
        Files.writeString(config, "canary.api.authenticator.device-token.enrollment-key="
                + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        CanaryCommandTest.Result ok = run("device-token", "--config", config.toString(), "--device", "SN1");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("SN1\t");

        CanaryCommandTest.Result r = run("device-token", "--config", config.toString(), "--device", "SN1",
                "--valid", "");
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err()).contains("canary device-token: --valid needs a duration, such as 30s, 10m or 14d")
                .doesNotContain("NullPointerException");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void detectWithAnEmptyIntervalIsAUsageError() {
        CanaryCommandTest.Result r = run("detect", "--follow", "--interval", "");
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err()).contains("canary detect: --interval needs a duration");
    }
}
