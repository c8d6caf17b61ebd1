package io.canarykit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.server.CanaryJson;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigCheck;
import io.canarykit.config.ConfigReport;
import io.canarykit.config.ConfigReport.Finding;
import io.canarykit.config.ConfigReport.Severity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code canary config}: work with the configuration file.
 *
 * <pre>
 * canary config check [--config FILE] [--json]
 * </pre>
 * {@code check} validates the file against every key known on the class path without building anything (no AWS
 * client, no AWS call, no store opened or written), and prints its findings and the effective configuration with
 * secrets masked. Exit code 0 when it is valid (warnings and notes allowed), 1 when it has errors, 2 for usage errors.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the configuration file.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code canary config check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a configuration file without any AWS call or store write, and print the effective"
                    + " configuration with secrets masked.",
                    "Unknown keys under canary. are errors with the closest known key; values are checked against"
                            + " what each key takes; old spellings are warnings naming the new key.",
                    "Exit code 0 when valid, 1 when not, 2 for usage errors."},
            footer = {"", "Examples:", "  canary config check --config /etc/canary/canary.properties",
                    "  canary config check --json"})
    static final class Check implements Callable<Integer> {
        @Mixin
        ServiceOptions service;

        @Option(names = "--json", description = "Print one JSON object: valid, errors, warnings, findings, effective,"
                + " defaults.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            CanaryConfig config = service.configuration();
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            ConfigReport report = ConfigCheck.load(cl != null ? cl : ConfigCommand.class.getClassLoader())
                    .check(config);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Cli.json(out, json(report, service.file().toString()));
            } else {
                text(out, report, service.file().toString());
            }
            out.flush();
            if (!report.valid()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("canary config check: " + service.file() + " is not valid: "
                        + count(report.findings(Severity.ERROR).size(), "error"));
                err.flush();
                return CliErrors.FAILED;
            }
            return 0;
        }

        private static void text(PrintWriter out, ConfigReport report, String file) {
            out.println("# " + file + ": " + (report.valid() ? "valid" : "NOT valid") + " ("
                    + count(report.findings(Severity.ERROR).size(), "error") + ", "
                    + count(report.findings(Severity.WARNING).size(), "warning") + ")");
            for (Finding f : report.findings()) {
                out.println("# " + f.severity().name().toLowerCase(Locale.ROOT) + ": " + f.key() + ": " + f.message());
            }
            out.println("# effective configuration (secrets and unchecked values masked)");
            report.effective().forEach((k, v) -> out.println(k + "=" + v));
            if (!report.defaults().isEmpty()) {
                out.println("# defaults that apply");
                report.defaults().forEach((k, v) -> out.println("#" + k + "=" + v));
            }
        }

        private static ObjectNode json(ConfigReport report, String file) {
            ObjectNode n = CanaryJson.MAPPER.createObjectNode();
            n.put("file", file);
            n.put("valid", report.valid());
            n.put("errors", report.findings(Severity.ERROR).size());
            n.put("warnings", report.findings(Severity.WARNING).size());
            ArrayNode findings = n.putArray("findings");
            for (Finding f : report.findings()) {
                ObjectNode o = findings.addObject();
                o.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
                o.put("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                o.put("key", f.key());
                o.put("message", f.message());
                if (f.suggestion() == null) {
                    o.putNull("didYouMean");
                } else {
                    o.put("didYouMean", f.suggestion());
                }
            }
            object(n.putObject("effective"), report.effective());
            object(n.putObject("defaults"), report.defaults());
            return n;
        }

        private static void object(ObjectNode n, Map<String, String> values) {
            values.forEach(n::put);
        }

        private static String count(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }
    }
}
