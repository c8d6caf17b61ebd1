package io.canarykit.cli;

import io.canarykit.CanaryService;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.DeviceApi;
import io.canarykit.server.IssuanceApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code canary serve}: the issuance HTTP API. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the issuance HTTP API (POST/GET /v1/canaries, DELETE /v1/canaries/{id}). Callers come from the "
                + "configuration: canary.api.tokens.<caller>=<bearer token>, canary.api.hmac-keys.<caller>=<key> and "
                + "their permissions canary.api.caller.<caller>.*; placement profiles from canary.api.profile.<name>.*; "
                + "limits from canary.api.* (see the README).")
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
    public Integer call() throws InterruptedException {
        CanaryConfig config = service.configuration();
        if (config.withPrefix("canary.api.tokens.").isEmpty() && config.withPrefix("canary.api.hmac-keys.").isEmpty()
                && config.withPrefix("canary.api.caller.").isEmpty() && !config.has("canary.api.authenticators")) {
            throw new CliErrors.UsageException("no API callers configured: set canary.api.tokens.<caller>=<token> or "
                    + "canary.api.hmac-keys.<caller>=<key> in the configuration");
        }
        try (CanaryService s = CanaryService.fromConfig(config);
             IssuanceApi api = IssuanceApi.fromConfig(config, s).host(host).port(port).build().start();
             DeviceApi.StaleChecks staleChecks = api.devices() == null ? () -> { }
                     : api.devices().scheduleStaleChecks()) {
            spec.commandLine().getOut().println("issuance API listening on " + api.uri() + " (placement profiles: "
                    + String.join(", ", new java.util.TreeSet<>(api.profiles().keySet())) + "); Ctrl-C to stop");
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
