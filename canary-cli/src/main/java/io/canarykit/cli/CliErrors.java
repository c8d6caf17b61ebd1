package io.canarykit.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns failures into one line on stderr and a non-zero exit: 1 when a command failed, 2 for a usage error. A stack
 * trace is printed only with {@code --debug}.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("canary " + commandLine.getCommandName() + ": " + message(ex));
        if (debug(commandLine)) {
            ex.printStackTrace(err);
        } else {
            err.println("(run with --debug for details)");
        }
        err.flush();
        return ex instanceof UsageException ? USAGE : FAILED;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("canary: " + ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        err.flush();
        return USAGE;
    }

    /** The exception's message, or its class's name when it has none. */
    static String message(Throwable e) {
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }

    private static boolean debug(CommandLine cl) {
        for (CommandLine c = cl; c != null; c = c.getParent()) {
            if (c.getCommand() instanceof CanaryCommand root) {
                return root.debug;
            }
        }
        return false;
    }

    /** A usage error found while running (for example mutually exclusive inputs): exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
