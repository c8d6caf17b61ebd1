/**
 * The {@code canary} command (picocli): issue, list, revoke, rotate, detect, reconcile, onboard, place, scan,
 * fingerprint, policy, config check and serve.
 *
 * <p>An application, run on the class path from the shaded {@code canary.jar} (which leaves every
 * {@code module-info.class} out) or the image; this descriptor has the module graph checked at compile time. Its
 * contract is the command line (subcommands, options, JSON fields, exit codes), so nothing is exported. The command
 * classes are opened to picocli, which reads and fills their annotated fields by reflection. The plug-in modules
 * (canary-aws, canary-placement-secrets, the stores), the JDBC drivers and the logging backend's SLF4J binding are not
 * required: on the module path they are resolved by service binding, as the {@code uses} of core, {@code java.sql}
 * and SLF4J ask for them. {@code canary demo} loads its {@code DemoProgram} with {@link java.util.ServiceLoader}
 * (from {@code canary-demo.jar}, which runs on the class path).
 *
 * @since 0.1.0
 */
module io.canarykit.cli {
    requires io.canarykit.core;
    requires io.canarykit.server;
    requires info.picocli;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires static org.jspecify;

    uses io.canarykit.cli.DemoProgram;

    opens io.canarykit.cli to info.picocli;
}
