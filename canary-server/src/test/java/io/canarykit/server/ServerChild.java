package io.canarykit.server;

import io.canarykit.config.CanaryConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code canary serve} in a JVM of its own, for the tests that run several copies: {@code ServerChild <config file>}
 * builds the server from the file on a free loopback port, prints {@code LISTENING <uri>} on stdout, stops gracefully
 * on SIGTERM and dies at once on SIGKILL.
 */
public final class ServerChild {
    private ServerChild() {
    }

    /** {@code ServerChild <config file>}. */
    public static void main(String[] args) {
        CanaryServer server = CanaryServer.fromConfig(CanaryConfig.load(Path.of(args[0]))).port(0)
                .environment(Map.of()).build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "stop"));
        server.start();
        System.out.println("LISTENING " + server.uri() + " " + server.instanceId());
        System.out.flush();
        server.awaitStopped();
    }
}
