package io.canarykit.examples.demo;

import io.canarykit.cli.DemoProgram;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Registers {@link Demo} as the program behind {@code canary demo} in the examples' jar.
 *
 * @since 0.1.0
 */
public final class DemoCommandProgram implements DemoProgram {
    @Override
    public int runEmulated(Path dir, PrintWriter out) {
        return Demo.runEmulated(dir, out);
    }

    @Override
    public int runAws(Path dir, PrintWriter out, Duration detectionWait) {
        return Demo.runAws(dir, out, detectionWait);
    }
}
