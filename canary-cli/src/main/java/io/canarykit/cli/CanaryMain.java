package io.canarykit.cli;

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
        // canary scan (a command run on its own, often over large inputs) builds only its own part of the model
        CommandLine cl = args.length > 0 && args[0].equals("scan") ? commandLine(out, err, ScanCommand.class)
                : commandLine(out, err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command line. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /** The command line with every subcommand, or with {@code only} that one (as the first argument names it). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Class<?> only) {
        CommandLine cl = new CommandLine(new CanaryCommand());
        for (Class<?> sub : CanaryCommand.SUBCOMMANDS) {
            if (only == null || sub == only) {
                try {
                    cl.addSubcommand(CommandLine.defaultFactory().create(sub));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create subcommand " + sub.getName(), e);
                }
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors());
        return cl;
    }
}
