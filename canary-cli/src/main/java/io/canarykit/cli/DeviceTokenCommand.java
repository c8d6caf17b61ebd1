package io.canarykit.cli;

import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.server.DeviceTokenAuthenticator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code canary device-token}: one-time enrollment tokens for the endpoint script, one per device. */
@Command(name = "device-token", mixinStandardHelpOptions = true,
        description = "Print a one-time enrollment token for each device (serial number), signed with "
                + "canary.api.authenticator.device-token.enrollment-key: DEVICE<TAB>TOKEN lines. Give each device its "
                + "own token (an MDM per-device variable or file); the endpoint script exchanges it once for a device "
                + "credential.")
final class DeviceTokenCommand implements Callable<Integer> {
    private static final String KEY = "canary.api.authenticator.device-token.enrollment-key";

    @Mixin
    ServiceOptions service;

    @Option(names = "--device", required = true, paramLabel = "ID", description = "A device id (serial number); repeat it.")
    List<String> devices;

    @Option(names = "--valid", paramLabel = "DURATION", defaultValue = "14d",
            description = "How long each token may wait for its one use (default ${DEFAULT-VALUE}).")
    String valid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CanaryConfig config = service.configuration();
        Secret enrollmentKey = config.getSecret(KEY);
        if (enrollmentKey == null) {
            throw new CliErrors.UsageException(KEY + " is not set in the configuration: the server checks enrollment "
                    + "tokens with it (generate one with 'openssl rand -hex 32')");
        }
        Duration d = Cli.duration("--valid", valid);
        Instant until = Instant.now().plus(d);
        PrintWriter out = spec.commandLine().getOut();
        for (String device : devices) {
            out.println(device + "\t" + DeviceTokenAuthenticator.enrollmentToken(enrollmentKey, device, until));
        }
        out.flush();
        return 0;
    }
}
