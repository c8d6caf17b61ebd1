package io.canarykit.cli;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementSpec;
import io.canarykit.server.CanaryJson;
import io.canarykit.inventory.CsvAssetSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code canary onboard}: every asset of an inventory gets its canary; removed assets lose theirs. */
@Command(name = "onboard", mixinStandardHelpOptions = true,
        description = "Read an inventory CSV (kind,id[,placement][,option.KEY][,labels...]): assets without a live canary get one,"
                + " canaries of assets no longer listed are revoked (only those this inventory onboarded).")
final class OnboardCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--inventory", required = true, paramLabel = "FILE", description = "The inventory CSV.")
    Path inventory;

    @Option(names = "--placement", paramLabel = "NAME", defaultValue = "aws-credentials-file",
            description = "Placement for rows that name none (default ${DEFAULT-VALUE}).")
    String placement;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Default placement options.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--name", paramLabel = "NAME", description = "The inventory's name; onboarding only revokes canaries it onboarded under this name (default: the file name).")
    @Nullable String name;

    @Option(names = "--json", description = "One JSON object per issued or revoked canary per line, then a summary.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String inventoryName = name != null ? name : inventory.getFileName().toString();
        try (CanaryService s = service.service()) {
            if (System.console() != null) {
                err.println("onboarding from " + inventory + " ...");
            }
            LifecycleReport.Onboard r = s.onboard(CsvAssetSource.of(inventory), PlacementSpec.of(placement, options), inventoryName);
            for (CanaryRecord c : r.issued()) {
                if (json) {
                    Cli.json(out, CanaryJson.record(c).put("action", "issued"));
                } else {
                    out.println("issued  " + Cli.line(c));
                }
            }
            for (CanaryRecord c : r.revoked()) {
                if (json) {
                    Cli.json(out, CanaryJson.record(c).put("action", "revoked"));
                } else {
                    out.println("revoked " + Cli.line(c));
                }
            }
            r.failures().forEach(f -> err.println("FAILED: " + f));
            if (json) {
                Cli.json(out, CanaryJson.MAPPER.createObjectNode().put("issued", r.issued().size())
                        .put("revoked", r.revoked().size()).put("unchanged", r.unchanged()).put("failed", r.failures().size()));
            } else {
                out.println(r.issued().size() + " issued, " + r.revoked().size() + " revoked, " + r.unchanged()
                        + " unchanged, " + r.failures().size() + " failed");
            }
            return r.failures().isEmpty() ? 0 : CliErrors.FAILED;
        }
    }
}
