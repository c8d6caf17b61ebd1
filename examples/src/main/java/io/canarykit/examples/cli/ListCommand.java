package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary list}: List canaries in the store. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List canaries in the store.")
final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary list is not implemented in this build yet");
    }
}
