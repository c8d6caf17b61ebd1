package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary rotate}: Replace canaries past their maximum age. */
@Command(name = "rotate", mixinStandardHelpOptions = true, description = "Replace canaries past their maximum age.")
final class RotateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary rotate is not implemented in this build yet");
    }
}
