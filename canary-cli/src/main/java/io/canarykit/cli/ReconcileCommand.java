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

/** {@code canary reconcile}: compare AWS, placements and the store. Exit 0 when clean, 3 when they differ. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Report principals in AWS the store does not know, records whose principal is gone and placements "
                + "that lost their canary; --fix repairs what can be repaired. Exit code 0 when clean, 3 when not.")
final class ReconcileCommand implements Callable<Integer> {
    static final int NOT_CLEAN = 3;

    @Mixin
    ServiceOptions service;

    @Option(names = "--fix", description = "Recover pending issuances, remove leftovers, close records whose principal is gone, replace lost placements.")
    boolean fix;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (CanaryService s = service.service()) {
            LifecycleReport.Reconcile r = s.reconcile(fix);
            if (json) {
                ObjectNode n = CanaryJson.MAPPER.createObjectNode();
                n.put("clean", r.clean());
                var orphans = n.putArray("orphans");
                r.orphans().forEach(p -> orphans.add(p.principal().arn()));
                var missing = n.putArray("missingPrincipals");
                r.missingPrincipals().forEach(c -> missing.add(c.id().value()));
                var lost = n.putArray("missingPlacements");
                r.missingPlacements().forEach(c -> lost.add(c.id().value()));
                var fixed = n.putArray("fixed");
                r.fixed().forEach(fixed::add);
                var failures = n.putArray("failures");
                r.failures().forEach(failures::add);
                Cli.json(out, n);
            } else {
                r.orphans().forEach(p -> out.println("orphan principal (no live record): " + p.principal().arn()));
                r.missingPrincipals().forEach(c -> out.println("principal gone from AWS: " + Cli.line(c)));
                r.missingPlacements().forEach(c -> out.println("placement lost its canary: " + Cli.line(c)));
                r.fixed().forEach(f -> out.println("fixed: " + f));
                r.failures().forEach(f -> out.println("FAILED: " + f));
                out.println(r.clean() ? "clean: AWS, placements and the store agree" : "not clean");
            }
            return r.clean() ? 0 : NOT_CLEAN;
        }
    }
}
