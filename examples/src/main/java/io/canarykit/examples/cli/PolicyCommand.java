package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary policy}: Show hardened policy sets and simulate IAM policy evaluation. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Show hardened policy sets and simulate IAM policy evaluation.")
final class PolicyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary policy is not implemented in this build yet");
    }
}
