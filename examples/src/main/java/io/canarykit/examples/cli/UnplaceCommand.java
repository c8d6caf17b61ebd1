package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary unplace}: Remove what a placement receipt describes. */
@Command(name = "unplace", mixinStandardHelpOptions = true, description = "Remove what a placement receipt describes.")
final class UnplaceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary unplace is not implemented in this build yet");
    }
}
