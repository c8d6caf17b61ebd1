package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary detect}: Run detection: read every configured source, correlate, alert. */
@Command(name = "detect", mixinStandardHelpOptions = true, description = "Run detection: read every configured source, correlate, alert.")
final class DetectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary detect is not implemented in this build yet");
    }
}
