package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary revoke}: Revoke a canary and remove its placement. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a canary and remove its placement.")
final class RevokeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary revoke is not implemented in this build yet");
    }
}
