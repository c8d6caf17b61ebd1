package io.canarykit.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Entry point of {@code java -jar canary.jar}.
 *
 * @since 0.1.0
 */
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
        int code;
        try {
            code = cl.execute(args);
        } catch (Error e) {
            // picocli hands exceptions to CliErrors; an Error (out of memory, stack overflow) passes through it
            code = reportError(e, args, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** One clear line for an {@link Error}, as for any failure; the stack trace only with {@code --debug}. */
    static int reportError(Error e, String[] args, PrintWriter err) {
        String command = args.length > 0 && !args[0].startsWith("-") ? "canary " + args[0] : "canary";
        String message;
        if (e instanceof OutOfMemoryError) {
            message = "ran out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage())
                    + "): the input is too large for the " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MB heap; give Java more (java -Xmx2g -jar canary.jar ...) or use a smaller input";
        } else if (e instanceof StackOverflowError) {
            message = "the input is nested too deeply to be processed (stack overflow); check that it is what you meant"
                    + " to pass";
        } else {
            message = "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage());
        }
        try {
            err.println(command + ": " + message);
            if (Arrays.asList(args).contains("--debug")) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --debug for details)");
            }
            err.flush();
        } catch (Error ignored) {
            // nothing more can be said
        }
        return CliErrors.FAILED;
    }

    /** The configured picocli command line. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /** The command line with every subcommand, or with {@code only} that one (as the first argument names it). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, @Nullable Class<?> only) {
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
