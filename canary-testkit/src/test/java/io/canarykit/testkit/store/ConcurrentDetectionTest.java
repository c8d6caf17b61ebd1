package io.canarykit.testkit.store;

import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The race scenario on the in-memory store, and the checker's positive control: a repeated alert is caught. */
class ConcurrentDetectionTest {

    @Test
    void threeEnginesOnOneStoreDeliverEachAlertOnce() throws Exception {
        CanaryStore store = InMemoryCanaryStore.create();
        List<CanaryRecord> canaries = ConcurrentDetection.seed(store);
        try (ConcurrentDetection.Receiver receiver = new ConcurrentDetection.Receiver()) {
            ConcurrentDetection.runThreads(List.of(store, store, store), canaries, receiver);

            assertThat(receiver.deliveries()).hasSizeGreaterThanOrEqualTo(2 * canaries.size());
            assertThat(ConcurrentDetection.violations(receiver, canaries)).isEmpty();

            // positive control: the same alert posted once more is reported
            String id = receiver.deliveries().get(0);
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(receiver.uri())
                            .header("X-Canarykit-Alert-Id", id)
                            .POST(HttpRequest.BodyPublishers.ofString(receiver.bodies().get(id))).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(ConcurrentDetection.violations(receiver, canaries))
                    .anySatisfy(v -> assertThat(v).contains(id).contains("2 times"));
        }
    }
}
