package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary serve}: Run the issuance HTTP API. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the issuance HTTP API.")
final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary serve is not implemented in this build yet");
    }
}
