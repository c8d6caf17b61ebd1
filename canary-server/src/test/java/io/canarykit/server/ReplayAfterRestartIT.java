package io.canarykit.server;

import io.canarykit.CanaryService;
import io.canarykit.Secret;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signed request refused as a replay stays refused after the server restarts, and when two copies of the server
 * share one store: used signatures live in the store (an H2 file here) until their window closes.
 */
class ReplayAfterRestartIT {
    private static final Secret KEY = Secret.of("restart-hmac-key-0123456789abcdef");
    private static ApiTestBed bed;

    @BeforeAll
    static void startAws() {
        bed = new ApiTestBed();
    }

    @AfterAll
    static void stopAws() {
        bed.close();
    }

    private static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath();
    }

    private static RawHttp.Reply send(URI base, String authorization, String body) throws Exception {
        return RawHttp.send(base, null, RawHttp.request("POST", "/v1/canaries", authorization, body), 60_000);
    }

    @Test
    void aReplayIsRefusedAfterARestart(@TempDir Path dir) throws Exception {
        String body = "{\"asset\":{\"kind\":\"host\",\"id\":\"h-restart\"}}";
        long now = Instant.now().getEpochSecond();
        String signed = IssuanceApi.signature("provisioner", KEY, "POST", "/v1/canaries", now,
                body.getBytes(StandardCharsets.UTF_8));
        String legacy = IssuanceApi.signature("provisioner", KEY, "POST", "/v1/canaries", now + 1,
                body.getBytes(StandardCharsets.UTF_8)).replaceAll("content-sha256=[0-9a-f]{64}, ", "");

        try (JdbcCanaryStore store = JdbcCanaryStore.open(url(dir), null, null);
             CanaryService service = bed.service(store);
             IssuanceApi api = IssuanceApi.builder().service(service).hmacKey("provisioner", KEY).build().start()) {
            assertThat(send(api.uri(), signed, body).status()).isEqualTo(201);
            assertThat(send(api.uri(), legacy, body).status()).isEqualTo(201);
            assertThat(send(api.uri(), signed, body).body()).contains("already used");
        }
        // the server stops and starts again on the same store
        try (JdbcCanaryStore store = JdbcCanaryStore.open(url(dir), null, null);
             CanaryService service = bed.service(store);
             IssuanceApi api = IssuanceApi.builder().service(service).hmacKey("provisioner", KEY).build().start()) {
            RawHttp.Reply replay = send(api.uri(), signed, body);
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.body()).contains("already used");
            assertThat(send(api.uri(), legacy, body).status()).as("an older client's signature too").isEqualTo(401);
            assertThat(service.listAll(CanaryQuery.live())).as("no second canary (failed name attempts aside)").hasSize(2);
            for (var r : service.listAll(CanaryQuery.live())) {
                service.revoke(r.id());
            }
        }
    }

    @Test
    void twoServersOnOneStoreAcceptASignatureOnce(@TempDir Path dir) throws Exception {
        String body = "{\"asset\":{\"kind\":\"host\",\"id\":\"h-twice\"}}";
        try (JdbcCanaryStore store = JdbcCanaryStore.open(url(dir), null, null);
             CanaryService service = bed.service(store);
             IssuanceApi one = IssuanceApi.builder().service(service).hmacKey("provisioner", KEY).build().start();
             IssuanceApi two = IssuanceApi.builder().service(service).hmacKey("provisioner", KEY).build().start()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 3; round++) {
                    String signed = IssuanceApi.signature("provisioner", KEY, "POST", "/v1/canaries",
                            Instant.now().getEpochSecond() + round, body.getBytes(StandardCharsets.UTF_8));
                    List<Future<RawHttp.Reply>> replies = new ArrayList<>();
                    for (IssuanceApi api : List.of(one, two, one, two)) {
                        Callable<RawHttp.Reply> call = () -> send(api.uri(), signed, body);
                        replies.add(pool.submit(call));
                    }
                    int created = 0;
                    for (Future<RawHttp.Reply> f : replies) {
                        int status = f.get().status();
                        assertThat(status).isIn(201, 401);
                        created += status == 201 ? 1 : 0;
                    }
                    assertThat(created).as("round " + round).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(service.listAll(CanaryQuery.live())).hasSize(3);
            for (var r : service.listAll(CanaryQuery.live())) {
                service.revoke(r.id());
            }
        }
    }
}
