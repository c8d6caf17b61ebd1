package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary place}: Plant a credential read from a file or stdin. */
@Command(name = "place", mixinStandardHelpOptions = true, description = "Plant a credential read from a file or stdin.")
final class PlaceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary place is not implemented in this build yet");
    }
}
