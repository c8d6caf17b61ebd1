package io.canarykit.store.dynamodb;

import io.canarykit.store.CanaryStore;
import io.canarykit.testkit.store.CanaryStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store contract against dynalite (or {@code DYNAMODB_ENDPOINT}): every test gets a new, empty table created with
 * {@link DynamoDbCanaryTable#createTableIfMissing}, deleted afterwards.
 */
class DynamoDbCanaryStoreIT extends CanaryStoreContract {
    private static DynamoDbClient client;
    private String table;

    @BeforeAll
    static void connect() {
        client = TestClients.dynalite();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Override
    protected CanaryStore newStore() {
        table = TestClients.freshTableName("contract");
        DynamoDbCanaryTable.createTableIfMissing(client, table);
        return DynamoDbCanaryStore.builder().client(client).tableName(table).build();
    }

    @AfterEach
    void dropTable() {
        client.deleteTable(r -> r.tableName(table));
    }
}
