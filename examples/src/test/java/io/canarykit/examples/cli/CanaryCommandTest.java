package io.canarykit.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CanaryCommandTest {

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CanaryMain.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    record Result(int code, String out, String err) {
    }

    @Test
    void helpListsTheSubcommands() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo", "issue", "list", "revoke", "rotate", "detect", "reconcile", "onboard",
                "place", "unplace", "scan", "fingerprint", "policy", "serve");
    }

    @Test
    void versionPrints() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("canary ");
    }

    @Test
    void usageErrorsExitTwoWithoutStackTrace() {
        Result r = run("no-such-command");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("canary:").doesNotContain("\tat ");
    }
}
