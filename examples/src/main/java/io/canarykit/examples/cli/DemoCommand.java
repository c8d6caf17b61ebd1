package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary demo}: Run the whole lifecycle end to end on the embedded default (no AWS account needed). */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole lifecycle end to end on the embedded default (no AWS account needed).")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary demo is not implemented in this build yet");
    }
}
