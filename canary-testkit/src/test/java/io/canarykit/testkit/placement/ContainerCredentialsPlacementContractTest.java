package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.endpoint.ContainerCredentialsPlacement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code container-credentials} passes the placement contract, with its token handed over in a file in the target
 * directory (which must go with the canary); what it serves is read back over HTTP, as an SDK does.
 */
class ContainerCredentialsPlacementContractTest extends PlacementContract {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return ContainerCredentialsPlacement.builder().environment(environment).build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("role-arn", "arn:aws:iam::609629065308:role/ecs-task",
                "token-file", directory.resolve("ecs-token").toString());
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        byte[] token = ReadBack.bytes(Path.of(receipt.detail("tokenFile")));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(receipt.location()));
        if (token != null) {
            b.header("Authorization", new String(token));
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? ReadBack.json(r.body(), "AccessKeyId", "SecretAccessKey", "Token") : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many canaries the endpoint serves (whether its server was started is not the target's state). */
    @Override
    protected String externalState() {
        String s = placement.toString();
        return s.substring(s.lastIndexOf(", ") + 2);
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        ReadBack.write(directory.resolve("hostname"), "build-7\n");
        return List.of(Map.of("relative-uri", "no-slash"), Map.of("role-arn", "not-an-arn"),
                Map.of("token-file", directory.resolve("hostname").toString()));
    }
}
