package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary fingerprint}: Decode key ids and find what gives a canary away. */
@Command(name = "fingerprint", mixinStandardHelpOptions = true, description = "Decode key ids and find what gives a canary away.")
final class FingerprintCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary fingerprint is not implemented in this build yet");
    }
}
