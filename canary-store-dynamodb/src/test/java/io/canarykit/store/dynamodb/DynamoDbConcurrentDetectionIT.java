package io.canarykit.store.dynamodb;

import io.canarykit.CanaryRecord;
import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.store.ConcurrentDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 7, on DynamoDB (dynalite: conditional writes, no transactions): three engines with their own
 * DynamoDB clients read the same events at the same moment; the receiver must get every
 * alert once, one INITIAL per canary, and every event in exactly one alert. (Separate JVMs run against PostgreSQL:
 * {@code PostgresConcurrentDetectionIT}; the protocol is the same store calls.)
 */
class DynamoDbConcurrentDetectionIT {
    private final List<DynamoDbClient> clients = new ArrayList<>();
    private String table;

    @BeforeEach
    void table() {
        table = TestClients.freshTableName("race");
        DynamoDbClient admin = client();
        DynamoDbCanaryTable.createTableIfMissing(admin, table);
    }

    @AfterEach
    void drop() {
        clients.get(0).deleteTable(r -> r.tableName(table));
        clients.forEach(DynamoDbClient::close);
    }

    private DynamoDbClient client() {
        DynamoDbClient c = TestClients.dynalite();
        clients.add(c);
        return c;
    }

    private CanaryStore store() {
        return DynamoDbCanaryStore.builder().client(client()).tableName(table).build();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threeEnginesWithTheirOwnClientsDeliverEachAlertOnce() throws Exception {
        List<CanaryRecord> canaries = ConcurrentDetection.seed(store());
        try (ConcurrentDetection.Receiver receiver = new ConcurrentDetection.Receiver()) {
            List<String> failures = ConcurrentDetection.runThreads(List.of(store(), store(), store()), canaries, receiver);

            assertThat(receiver.deliveries()).as("failures reported: %s", failures).isNotEmpty();
            assertThat(ConcurrentDetection.violations(receiver, canaries)).isEmpty();
        }
    }

}
