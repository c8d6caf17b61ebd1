package io.canarykit.testkit.placement;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.endpoint.ImdsPlacement;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code imds} passes the placement contract; what it serves is read back over HTTP with IMDSv2, as an SDK does. */
class ImdsPlacementContractTest extends PlacementContract {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return ImdsPlacement.builder().build();
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("role", "web-prod-instance");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        HttpResponse<byte[]> r = get(URI.create(receipt.location()));
        return r.statusCode() == 200 ? ReadBack.json(r.body(), "AccessKeyId", "SecretAccessKey", "Token") : null;
    }

    /** The roles the endpoint lists (none when it does not run). */
    @Override
    protected String externalState() {
        if (placement.toString().contains("not started")) {
            return "";
        }
        HttpResponse<byte[]> r = get(((ImdsPlacement) placement).endpoint().resolve("/latest/meta-data/iam/security-credentials/"));
        return r.statusCode() == 404 ? "" : new String(r.body());
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        return List.of(Map.of("role", "no spaces"), Map.of("role", "r", "allow-long-term", "maybe"));
    }

    private HttpResponse<byte[]> get(URI uri) {
        try {
            String token = new String(http.send(HttpRequest.newBuilder(uri.resolve("/latest/api/token"))
                            .PUT(HttpRequest.BodyPublishers.noBody()).header("X-aws-ec2-metadata-token-ttl-seconds", "60").build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            return http.send(HttpRequest.newBuilder(uri).header("X-aws-ec2-metadata-token", token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
