package io.canarykit.cli;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementProvider;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.endpoint.ContainerCredentialsPlacement;
import io.canarykit.placement.endpoint.EndpointPlacement;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code canary place}: plants a credential read from a file or stdin and prints the receipt as JSON. The secret is
 * never taken from an argument.
 */
@Command(name = "place", mixinStandardHelpOptions = true,
        description = {"Plant a credential read from a file or stdin, and print the receipt (no secret) as JSON.",
                "The credential JSON: {\"accessKeyId\":…,\"secretAccessKey\":…,\"sessionToken\":…,\"expiration\":…}.",
                "Endpoint placements (imds, container-credentials) keep serving until interrupted or --serve-for ends."})
final class PlaceCommand implements Callable<Integer> {
    /** Standard input; tests may replace it. */
    static InputStream stdin = System.in;

    @Option(names = "--placement", required = true, paramLabel = "NAME",
            description = "aws-credentials-file, env, credential-process, imds, container-credentials, kubernetes-secret, "
                    + "aws-secrets-manager, ssm-parameter, github-actions-secret, gitlab-ci-variable, vault-kv, "
                    + "or a plugin's name")
    String placement;

    @Option(names = "--option", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A placement option, such as profile=billing-ro or path=.env (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--credential-json", required = true, paramLabel = "FILE|-",
            description = "The credential as JSON, read from FILE or from standard input (-).")
    String credentialJson;

    @Option(names = "--canary-id", paramLabel = "ID", description = "The canary's id (default: a new one).")
    @Nullable String canaryId;

    @Option(names = "--asset", paramLabel = "KIND/ID", description = "The asset the canary is for (default: host/<hostname>).")
    @Nullable String asset;

    @Option(names = "--serve-for", paramLabel = "DURATION",
            description = "For endpoint placements: how long to serve, such as 30m (default: until interrupted).")
    @Nullable String serveFor;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with the placement's settings (canary.placement.<name>.*: region, api-url, "
                    + "token-file, ...); API tokens belong there or in the environment, never in --option.")
    @Nullable Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        CanaryCredential credential = CliJson.credential(CliJson.readSource(credentialJson, stdin, "--credential-json"));
        CanaryId id = canaryId == null ? CanaryId.generate(Clock.systemUTC()) : CanaryId.parse(canaryId);
        Duration serve = serveFor == null ? null : CanaryConfig.of(Map.of("serve-for", serveFor)).getDuration("serve-for");
        ProviderRegistry<Placement, PlacementProvider> registry = ProviderRegistry.load(PlacementProvider.class);
        Placement p = registry.create(placement, settings(registry, config, placement, options));
        boolean endpoint = p instanceof EndpointPlacement;
        try {
            PlacementReceipt receipt = p.place(new PlacementRequest(id, asset(), credential, options));
            PrintWriter out = spec.commandLine().getOut();
            out.println(CliJson.write(CliJson.receipt(receipt)));
            out.flush();
            if (endpoint) {
                serve(p, receipt, serve);
            }
            return 0;
        } finally {
            p.close();
        }
    }

    private void serve(Placement p, PlacementReceipt receipt, @Nullable Duration serve) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (p instanceof ContainerCredentialsPlacement && "true".equals(receipt.detail("authorization"))
                && receipt.detail("tokenFile") == null) {
            err.println("canary place: the token is only in this process; pass --option token-file=PATH to hand it to "
                    + "the container as AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
        }
        err.println("canary place: serving " + receipt.location() + (serve == null ? " until interrupted" : " for " + serve));
        err.flush();
        if (serve == null) {
            CountDownLatch forever = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
            forever.await();
        } else if (!serve.isZero()) {
            Thread.sleep(serve.toMillis());
        }
    }

    /**
     * The whole configuration the placement is built from: the {@code --config} file (when one is given), with each
     * option that is one of the placement's settings laid over it under {@code canary.placement.<name>.} (every
     * option, for a placement that declares no settings).
     */
    static CanaryConfig settings(ProviderRegistry<Placement, PlacementProvider> registry, @Nullable Path config,
                                 String placement, Map<String, String> options) {
        ConfigKeys keys = registry.provider(placement).configKeys();
        String scope = registry.scope(placement);
        Map<String, String> root = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (!keys.declared() || keys.canonical(k) != null) {
                root.put(scope + k, v);
            }
        });
        return (config == null ? CanaryConfig.empty() : CanaryConfig.load(config)).with(root);
    }

    private Asset asset() {
        String asset = this.asset;
        if (asset == null) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            return Asset.of("host", host);
        }
        int slash = asset.indexOf('/');
        if (slash <= 0 || slash == asset.length() - 1) {
            throw new CanaryConfigurationException("--asset '" + asset + "' is not KIND/ID, such as laptop/LT-0042");
        }
        return Asset.of(asset.substring(0, slash), asset.substring(slash + 1));
    }
}
