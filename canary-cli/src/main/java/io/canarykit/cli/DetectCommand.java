package io.canarykit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Alert;
import io.canarykit.CanaryService;
import io.canarykit.LifecycleReport;
import io.canarykit.alert.AlertJson;
import io.canarykit.alert.LoggingAlertSink;
import io.canarykit.server.CanaryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code canary detect}: one detection pass, or passes forever with {@code --follow}. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Read every configured detector, correlate, store sightings, alert, and answer triggers by the response policy; "
                + "then close expired short-term canaries and report CI runs that never reported their end.")
final class DetectCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--follow", description = "Keep running: a pass every --interval until interrupted.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "60s",
            description = "Time between passes with --follow (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--json", description = "One JSON object per pass (alerts included) per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration every = Cli.duration("--interval", interval);
        try (CanaryService s = service.service()) {
            int failures;
            do {
                LifecycleReport.Detect d = s.detect();
                LifecycleReport.Expire e = s.expire();
                failures = d.detection().failures().size() + d.failures().size() + e.failures().size();
                print(out, err, d, e);
                if (follow) {
                    Thread.sleep(every.toMillis());
                }
            } while (follow);
            return failures == 0 ? 0 : CliErrors.FAILED;
        }
    }

    private void print(PrintWriter out, PrintWriter err, LifecycleReport.Detect d, LifecycleReport.Expire e) {
        if (json) {
            ObjectNode n = CanaryJson.MAPPER.createObjectNode();
            n.put("startedAt", d.detection().startedAt().toString());
            n.put("sightings", d.detection().seen());
            n.put("stored", d.detection().stored());
            n.put("unmatched", d.detection().unmatched());
            var triggered = n.putArray("triggered");
            d.detection().triggered().forEach(id -> triggered.add(id.value()));
            var alerts = n.putArray("alerts");
            for (Alert a : d.detection().alerts()) {
                alerts.add(AlertJson.toTree(a));
            }
            var revoked = n.putArray("revoked");
            d.revoked().forEach(id -> revoked.add(id.value()));
            var replaced = n.putArray("replacements");
            d.replacements().forEach(x -> replaced.addObject().put("replaced", x.replaced().value())
                    .put("replacement", x.replacement().value()));
            var failures = n.putArray("failures");
            d.detection().failures().forEach(failures::add);
            d.failures().forEach(failures::add);
            e.failures().forEach(failures::add);
            var expired = n.putArray("expired");
            e.expired().forEach(id -> expired.add(id.value()));
            var unfinished = n.putArray("unfinishedRuns");
            e.unfinishedRuns().forEach(id -> unfinished.add(id.value()));
            Cli.json(out, n);
            return;
        }
        for (Alert a : d.detection().alerts()) {
            out.println(LoggingAlertSink.format(a));
        }
        d.replacements().forEach(x -> out.println("replaced triggered canary " + x.replaced() + " with " + x.replacement()));
        d.revoked().forEach(id -> out.println("revoked " + id));
        d.detection().failures().forEach(f -> err.println("detection: " + f));
        d.failures().forEach(f -> err.println("response: " + f));
        e.unfinishedRuns().forEach(id -> out.println("canary " + id + " expired and its CI run never reported its end "
                + "(the job was cancelled or timed out, or its completion step did not run)"));
        e.failures().forEach(f -> err.println("expiry: " + f));
        out.println(d.detection().seen() + " sighting(s) read, " + d.detection().stored() + " new, "
                + d.detection().alerts().size() + " alert(s)");
    }
}
