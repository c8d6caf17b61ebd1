package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DynamoDbCanaryStoreProviderTest {
    private static final CanaryConfig BASE = CanaryConfig.of(Map.of(
            "canary.store", "dynamodb",
            "canary.store.dynamodb.region", "eu-west-1",
            "canary.store.dynamodb.endpoint", "http://127.0.0.1:1"));

    /** The store, built as CanaryService builds it: from the whole configuration. */
    private static CanaryStore dynamodb(CanaryConfig root) {
        return ProviderRegistry.load(CanaryStoreProvider.class).create("dynamodb", root);
    }

    @Test
    void isFoundByServiceLoaderAsDynamodb() {
        ProviderRegistry<CanaryStore, CanaryStoreProvider> stores = ProviderRegistry.load(CanaryStoreProvider.class);
        assertThat(stores.names()).contains("dynamodb", "in-memory");
        assertThat(stores.provider("DynamoDB")).isInstanceOf(DynamoDbCanaryStoreProvider.class);
    }

    @Test
    void buildsAStoreWithoutTouchingTheNetwork() {
        ProviderRegistry<CanaryStore, CanaryStoreProvider> stores = ProviderRegistry.load(CanaryStoreProvider.class);
        try (CanaryStore store = stores.resolve(null, BASE.with("canary.store.dynamodb.table", "my-canaries"),
                "canary.store", "in-memory")) {
            assertThat(store).isInstanceOf(DynamoDbCanaryStore.class);
            assertThat(((DynamoDbCanaryStore) store).tableName()).isEqualTo("my-canaries");
            assertThat(store.toString()).isEqualTo("DynamoDbCanaryStore[table=my-canaries]");
        }
        try (CanaryStore store = dynamodb(BASE)) {
            assertThat(((DynamoDbCanaryStore) store).tableName()).isEqualTo("canarykit");
        }
    }

    @Test
    void malformedValuesFailWithTheKeyAndTheFix() {
        assertThatThrownBy(() -> dynamodb(BASE.with("canary.store.dynamodb.table", "a/b")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("table name 'a/b'");
        assertThatThrownBy(() -> dynamodb(BASE.with("canary.store.dynamodb.region", "Ireland")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.store.dynamodb.region").hasMessageContaining("eu-west-1");
        assertThatThrownBy(() -> dynamodb(BASE.with("canary.store.dynamodb.endpoint", "localhost:8000")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.store.dynamodb.endpoint").hasMessageContaining("http://localhost:8000");
        assertThatThrownBy(() -> dynamodb(BASE.with("canary.store.dynamodb.ttl-retention", "forever")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("ttl-retention");
        assertThatThrownBy(() -> dynamodb(BASE.with("canary.store.dynamodb.create-table", "maybe")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("create-table");
    }

    @Test
    void builderNeedsClientAndTable() {
        assertThatThrownBy(() -> DynamoDbCanaryStore.builder().tableName("abc").build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("DynamoDbClient");
        try (DynamoDbClient client = DynamoDbCanaryStoreProvider.client(BASE.scoped(DynamoDbCanaryStoreProvider.PREFIX))) {
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().client(client).build())
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("table name");
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().tableName("x"))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("3-255");
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().timeToLiveRetention(java.time.Duration.ofDays(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
