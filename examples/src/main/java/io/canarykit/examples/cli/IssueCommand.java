package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary issue}: Issue a canary for an asset and plant it. */
@Command(name = "issue", mixinStandardHelpOptions = true, description = "Issue a canary for an asset and plant it.")
final class IssueCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary issue is not implemented in this build yet");
    }
}
