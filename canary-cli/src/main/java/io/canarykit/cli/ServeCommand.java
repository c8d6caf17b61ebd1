package io.canarykit.cli;

import io.canarykit.config.CanaryConfig;
import io.canarykit.server.CanaryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code canary serve}: the long-running service ({@link CanaryServer}): the issuance HTTP API, health and metrics,
 * and the scheduled loops. SIGTERM (or Ctrl-C) stops it gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the service: the issuance HTTP API (POST/GET /v1/canaries, DELETE /v1/canaries/{id}), "
                + "/health/live, /health/ready, /metrics, and the loops (detection, alert retries, rotation, expiry, "
                + "recovery, reconcile, onboarding), each every canary.server.<loop>.interval. Callers come from the "
                + "configuration: canary.api.tokens.<caller>=<bearer token>, canary.api.hmac-keys.<caller>=<key> and "
                + "their permissions canary.api.caller.<caller>.*; placement profiles from canary.api.profile.<name>.*; "
                + "limits from canary.api.*; the server from canary.server.* (see the README). SIGTERM stops it "
                + "gracefully.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CanaryConfig config = service.configuration();
        String format = config.getString("canary.server.log-format");
        if (format == null) {
            format = service.environment.apply("CANARY_LOG_FORMAT"); // null when not set
        }
        LogFormat.use(format == null ? "text" : format.trim());
        PrintWriter out = spec.commandLine().getOut();
        CanaryServer server = CanaryServer.fromConfig(config).host(host).port(port)
                .environment(environment()).build();
        Thread hook = new Thread(server::stop, "canary-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.start();
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        }
        List<String> loops = new ArrayList<>();
        for (Map.Entry<String, Duration> e : server.loopIntervals().entrySet()) {
            if (!e.getValue().isZero()) {
                loops.add(e.getKey() + " " + shortly(e.getValue()));
            }
        }
        if (server.api().isPresent()) {
            out.println("issuance API listening on " + server.uri() + " (placement profiles: "
                    + String.join(", ", new TreeSet<>(server.profiles().keySet())) + "); Ctrl-C to stop");
        } else {
            out.println("canary server listening on " + server.uri() + " without the issuance API (no callers in"
                    + " canary.api.*); Ctrl-C to stop");
        }
        out.println("instance " + server.instanceId() + "; loops: " + String.join(", ", loops)
                + "; /health/live, /health/ready, /metrics");
        out.flush();
        server.awaitStopped();
        return 0;
    }

    /** {@code 6h}, {@code 5m}, {@code 30s}, {@code 250ms}. */
    static String shortly(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private Map<String, String> environment() {
        String v = service.environment.apply("CANARY_LOG_FORMAT");
        return v == null ? Map.of() : Map.of("CANARY_LOG_FORMAT", v);
    }
}
