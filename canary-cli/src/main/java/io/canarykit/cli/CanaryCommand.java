package io.canarykit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** The {@code canary} command. Each capability adds a subcommand. */
@Command(name = "canary",
        mixinStandardHelpOptions = true,
        versionProvider = CanaryCommand.Version.class,
        description = "Issue, plant, harden, watch and fingerprint-check canary AWS credentials.")
/** @since 0.1.0 */
public final class CanaryCommand implements Runnable {
    /**
     * The subcommands, in the order help lists them. {@link CanaryMain} adds them (all of them, or for
     * {@code canary scan} only that one: building picocli's model of every subcommand costs a large part of a
     * second on a cold JVM).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            DemoCommand.class,
            IssueCommand.class,
            ListCommand.class,
            RevokeCommand.class,
            RotateCommand.class,
            DetectCommand.class,
            ReconcileCommand.class,
            OnboardCommand.class,
            PlaceCommand.class,
            UnplaceCommand.class,
            ScanCommand.class,
            FingerprintCommand.class,
            PolicyCommand.class,
            ConfigCommand.class,
            ServeCommand.class,
            DeviceTokenCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CanaryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"canary " + (v == null ? "development build" : v),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
