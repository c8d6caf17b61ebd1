package io.canarykit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The program behind {@code canary demo}, found with {@link java.util.ServiceLoader}. The product jar
 * ({@code canary-cli}) carries none: the demo runs the AWS emulator of {@code canary-testkit}, a test library that
 * the product must not ship. The examples' jar ({@code examples/target/canary-demo.jar}) registers one.
 *
 * @since 0.1.0
 */
public interface DemoProgram {
    /** Runs the whole lifecycle against the in-process AWS emulator; returns the exit code. */
    int runEmulated(Path dir, PrintWriter out);

    /** Runs the whole lifecycle against the real AWS account of the default credential chain; returns the exit code. */
    int runAws(Path dir, PrintWriter out, Duration detectionWait);
}
