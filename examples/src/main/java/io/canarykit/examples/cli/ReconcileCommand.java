package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary reconcile}: Compare AWS with the store: report orphans and records whose principal is gone. */
@Command(name = "reconcile", mixinStandardHelpOptions = true, description = "Compare AWS with the store: report orphans and records whose principal is gone.")
final class ReconcileCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary reconcile is not implemented in this build yet");
    }
}
