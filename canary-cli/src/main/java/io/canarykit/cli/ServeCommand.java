package io.canarykit.cli;

import io.canarykit.CanaryService;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.IssuanceApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code canary serve}: the issuance HTTP API. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the issuance HTTP API (POST/GET /v1/canaries, DELETE /v1/canaries/{id}). Callers come from the "
                + "configuration: canary.api.tokens.<caller>=<bearer token> and canary.api.hmac-keys.<caller>=<key>; "
                + "canary.api.rate-per-minute and canary.api.burst limit each caller.")
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
        Map<String, String> tokens = config.withPrefix("canary.api.tokens.");
        Map<String, String> keys = config.withPrefix("canary.api.hmac-keys.");
        if (tokens.isEmpty() && keys.isEmpty()) {
            throw new CliErrors.UsageException("no API callers configured: set canary.api.tokens.<caller>=<token> or "
                    + "canary.api.hmac-keys.<caller>=<key> in the configuration");
        }
        try (CanaryService s = CanaryService.fromConfig(config)) {
            IssuanceApi.Builder b = IssuanceApi.builder().service(s).host(host).port(port)
                    .rateLimit(config.getDouble("canary.api.rate-per-minute", 60), config.getInt("canary.api.burst", 10));
            tokens.keySet().forEach(caller -> b.bearerToken(caller, config.getSecret("canary.api.tokens." + caller)));
            keys.keySet().forEach(caller -> b.hmacKey(caller, config.getSecret("canary.api.hmac-keys." + caller)));
            try (IssuanceApi api = b.build().start()) {
                spec.commandLine().getOut().println("issuance API listening on " + api.uri() + " ("
                        + (tokens.size() + keys.size()) + " caller(s)); Ctrl-C to stop");
                spec.commandLine().getOut().flush();
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        }
        return 0;
    }
}
