package io.canarykit.cli;

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

    /** Runs {@code args} on the command line with every subcommand, as {@link CanaryMain#run} does for the others. */
    private static Result runWhole(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        int code = CanaryMain.commandLine(o, e).execute(args);
        o.flush();
        e.flush();
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void scanBuiltOnItsOwnBehavesAsInTheWholeCommandLine() {
        String[][] cases = {
                {"scan", "--help"}, {"scan", "-V"}, {"scan"}, {"scan", "--bogus"}, {"scan", "--canaries"},
                {"scan", "--canaries", "no-such-canaries.jsonl", "."},
                {"scan", "--threads", "x", "--canaries", "c.jsonl", "."},
        };
        for (String[] args : cases) {
            Result alone = run(args);
            Result whole = runWhole(args);
            assertThat(alone).as(String.join(" ", args)).isEqualTo(whole);
        }
        assertThat(run("scan", "--help").out()).contains("Usage: canary scan", "--debug", "--canaries=FILE");
        assertThat(run("scan", "--bogus").err()).contains("Try 'canary scan --help' for usage.");

        Result debug = run("scan", "--debug", "--canaries", "no-such-canaries.jsonl", ".");
        assertThat(debug.code()).isEqualTo(1);
        assertThat(debug.err()).contains("canary scan: canaries file no-such-canaries.jsonl does not exist").contains("\tat ");
        Result quiet = run("scan", "--canaries", "no-such-canaries.jsonl", ".");
        assertThat(quiet.err()).contains("(run with --debug for details)").doesNotContain("\tat ");
    }
}
