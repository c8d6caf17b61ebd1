package io.canarykit.cli;

import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.server.CanaryJson;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code canary list}: list canaries in the store. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List canaries in the store.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only these statuses (ACTIVE, TRIGGERED, ...); repeatable.")
    Set<CanaryStatus> statuses = EnumSet.noneOf(CanaryStatus.class);

    @Option(names = "--live", description = "Only live canaries (pending, active, triggered, rotated).")
    boolean live;

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this AWS account.")
    @Nullable String account;

    @Option(names = "--asset", paramLabel = "KIND/ID", description = "Only this asset's canaries.")
    @Nullable String asset;

    @Option(names = "--json", description = "One JSON object per canary per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // the store only: listing needs no issuer, no AWS client and no AWS credentials
        try (CanaryStore store = service.store()) {
            List<CanaryRecord> records;
            if (asset != null) {
                io.canarykit.Asset a = Cli.asset(asset, null);
                records = store.findByAsset(a.kind(), a.id());
            } else {
                CanaryQuery q = live ? CanaryQuery.live() : CanaryQuery.all().statuses(statuses);
                records = listAll(store, q.account(account));
            }
            for (CanaryRecord r : records) {
                if (asset != null && ((!statuses.isEmpty() && !statuses.contains(r.status())) || (live && !r.status().isLive()))) {
                    continue;
                }
                if (json) {
                    Cli.json(out, CanaryJson.record(r));
                } else {
                    out.println(Cli.line(r));
                }
            }
        }
        return 0;
    }

    private static List<CanaryRecord> listAll(CanaryStore store, CanaryQuery query) {
        List<CanaryRecord> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<CanaryRecord> page = store.list(query.after(cursor));
            out.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
