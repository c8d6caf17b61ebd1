package io.canarykit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryService;
import io.canarykit.LifecycleReport;
import io.canarykit.server.CanaryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code canary rotate}: one rotation pass. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Replace canaries past their maximum age (the new one placed first); revoke rotated ones whose grace period ended.")
final class RotateCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (CanaryService s = service.service()) {
            LifecycleReport.Rotate r = s.rotate();
            if (json) {
                ObjectNode n = CanaryJson.MAPPER.createObjectNode();
                var replaced = n.putArray("replaced");
                r.replaced().forEach(x -> replaced.addObject().put("replaced", x.replaced().value())
                        .put("replacement", x.replacement().value()));
                var revoked = n.putArray("revoked");
                r.revoked().forEach(id -> revoked.add(id.value()));
                var failures = n.putArray("failures");
                r.failures().forEach(failures::add);
                Cli.json(out, n);
            } else {
                r.replaced().forEach(x -> out.println("replaced " + x.replaced() + " with " + x.replacement()));
                r.revoked().forEach(id -> out.println("revoked " + id + " (grace period over)"));
                r.failures().forEach(f -> out.println("FAILED: " + f));
                out.println(r.replaced().size() + " replaced, " + r.revoked().size() + " revoked, "
                        + r.failures().size() + " failed");
            }
            return r.failures().isEmpty() ? 0 : CliErrors.FAILED;
        }
    }
}
