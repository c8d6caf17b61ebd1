package io.canarykit.cli;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.server.CanaryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code canary revoke}: revoke canaries and remove their placements. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Remove a canary's placement (if it still holds the canary) and revoke it in AWS.")
final class RevokeCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Parameters(arity = "1..*", paramLabel = "CANARY_ID", description = "Canary ids.")
    List<String> ids;

    @Option(names = "--json", description = "One JSON object per canary per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<io.canarykit.CanaryId> parsed = ids.stream().map(Cli::id).toList();
        try (CanaryService s = service.service()) {
            for (io.canarykit.CanaryId id : parsed) {
                CanaryRecord r = s.revoke(id);
                if (json) {
                    Cli.json(out, CanaryJson.record(r));
                } else {
                    out.println((r.status().isTerminal() ? "revoked " : "revocation pending ") + Cli.line(r));
                }
            }
        }
        return 0;
    }
}
