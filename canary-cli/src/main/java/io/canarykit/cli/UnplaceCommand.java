package io.canarykit.cli;

import io.canarykit.PlacementReceipt;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import io.canarykit.placement.endpoint.EndpointPlacement;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.nio.file.Path;

/** {@code canary unplace}: removes exactly what a placement receipt describes, and nothing else. */
@Command(name = "unplace", mixinStandardHelpOptions = true,
        description = "Remove what a placement receipt (as printed by canary place) describes, and nothing else.")
final class UnplaceCommand implements Callable<Integer> {

    @Option(names = "--receipt", required = true, paramLabel = "FILE|-", description = "The receipt JSON, from FILE or stdin (-).")
    String receipt;

    @Option(names = "--option", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A placement setting, such as follow-symlinks=true (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with the placement's settings (canary.placement.<name>.*).")
    @Nullable Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PlacementReceipt r = CliJson.receipt(CliJson.readSource(receipt, PlaceCommand.stdin, "--receipt"));
        ProviderRegistry<Placement, PlacementProvider> registry = ProviderRegistry.load(PlacementProvider.class);
        PrintWriter out = spec.commandLine().getOut();
        try (Placement p = registry.create(r.placement(), PlaceCommand.settings(registry, config, r.placement(), options))) {
            if (p instanceof EndpointPlacement) {
                out.println("canary unplace: " + r.placement() + " at " + r.location() + " is served by the process that "
                        + "placed it; stop that process to remove it");
                return 0;
            }
            p.remove(r);
            boolean still = p.verify(r).present();
            out.println((still ? "still present: " : "removed: ") + r.placement() + " at " + r.location());
            return still ? CliErrors.FAILED : 0;
        }
    }
}
