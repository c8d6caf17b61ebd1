package io.canarykit.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/** {@code canary demo}: the whole lifecycle, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole lifecycle end to end: issue and plant canaries for a laptop, a CI job and a container "
                + "host; an attacker uses one; detection alerts; the canary is revoked and replaced; reconcile. "
                + "By default on the in-process AWS emulator with an H2 file store: no AWS account needed.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where to keep the store and the planted files (default: a new temporary directory).")
    @Nullable Path dir;

    @Option(names = "--aws", description = "Run against the real AWS account of the default credential chain "
            + "(creates and then revokes IAM users and sessions; see the README for the permissions).")
    boolean aws;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10m",
            description = "With --aws: how long to wait for CloudTrail before detecting (default ${DEFAULT-VALUE}).")
    String wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoProgram demo = ServiceLoader.load(DemoProgram.class).findFirst().orElseThrow(() ->
                new CliErrors.UsageException("the demo is not in this jar: it runs the AWS emulator of canary-testkit, "
                        + "which the product jar does not carry. Run it with java -jar examples/target/canary-demo.jar "
                        + "demo (built by mvn -B -ntp -DskipTests package)"));
        Duration d = Cli.duration("--wait", wait);
        Path where = dir != null ? dir : Files.createTempDirectory("canary-demo-");
        return aws ? demo.runAws(where, spec.commandLine().getOut(), d) : demo.runEmulated(where, spec.commandLine().getOut());
    }
}
