package io.canarykit.examples.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of {@code java -jar canary.jar}. */
public final class CanaryMain {
    private CanaryMain() {
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs the command line with the given streams and returns the exit code: 0 on success, 1 when the command failed,
     * 2 for a usage error.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(out, err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command line. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CanaryCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors());
        return cl;
    }
}
