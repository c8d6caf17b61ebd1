package io.canarykit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.server.CanaryJson;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code canary issue}: issue a canary for an asset and plant it. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = "Issue a canary for an asset and plant it. The secret goes to the placement only; it is never printed.")
final class IssueCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--asset", required = true, paramLabel = "KIND/ID", description = "The asset, such as laptop/LT-0042.")
    String asset;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of the asset (owner, team, ...).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--placement", required = true, paramLabel = "NAME",
            description = "Where to plant it: aws-credentials-file, env, credential-process, kubernetes-secret, ...")
    String placement;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A placement option, such as profile=billing-ro.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--kind", paramLabel = "KIND", description = "iam-user, assume-role or federation-token (default: the configured kind).")
    @Nullable String kind;

    @Option(names = "--json", description = "Print the record as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (PlacementSpec.RETURN.equals(placement)) {
            throw new CliErrors.UsageException("the command line never prints a secret: choose a placement, or use the"
                    + " issuance API (canary serve) to receive the credential once");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CanaryService s = service.service()) {
            PlacementSpec where = PlacementSpec.of(placement, options);
            IssueOutcome o = kind == null ? s.issue(Cli.asset(asset, labels), where)
                    : s.issue(Cli.asset(asset, labels), where, CredentialKind.fromConfigName(kind));
            if (json) {
                ObjectNode n = CanaryJson.record(o.record());
                n.set("fingerprint", CanaryJson.fingerprint(o.fingerprint()));
                Cli.json(out, n);
            } else {
                out.println("issued " + Cli.line(o.record()));
                if (o.fingerprint() != null) {
                    out.println("fingerprint: " + o.fingerprint().verdict().name().toLowerCase(Locale.ROOT)
                            + (o.fingerprint().findings().isEmpty() ? "" : "\n" + o.fingerprint().describe()));
                }
            }
        }
        return 0;
    }
}
