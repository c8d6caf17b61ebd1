package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary scan}: Scan CloudTrail files for uses of known canaries. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Scan CloudTrail files for uses of known canaries.")
final class ScanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary scan is not implemented in this build yet");
    }
}
