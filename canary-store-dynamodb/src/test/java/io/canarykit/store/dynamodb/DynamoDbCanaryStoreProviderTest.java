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
        try (CanaryStore store = new DynamoDbCanaryStoreProvider().create(BASE)) {
            assertThat(((DynamoDbCanaryStore) store).tableName()).isEqualTo("canarykit");
        }
    }

    @Test
    void malformedValuesFailWithTheKeyAndTheFix() {
        DynamoDbCanaryStoreProvider provider = new DynamoDbCanaryStoreProvider();
        assertThatThrownBy(() -> provider.create(BASE.with("canary.store.dynamodb.table", "a/b")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("table name 'a/b'");
        assertThatThrownBy(() -> provider.create(BASE.with("canary.store.dynamodb.region", "Ireland")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.store.dynamodb.region").hasMessageContaining("eu-west-1");
        assertThatThrownBy(() -> provider.create(BASE.with("canary.store.dynamodb.endpoint", "localhost:8000")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.store.dynamodb.endpoint").hasMessageContaining("http://localhost:8000");
        assertThatThrownBy(() -> provider.create(BASE.with("canary.store.dynamodb.ttl-retention", "forever")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("ttl-retention");
        assertThatThrownBy(() -> provider.create(BASE.with("canary.store.dynamodb.create-table", "maybe")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("create-table");
    }

    @Test
    void builderNeedsClientAndTable() {
        assertThatThrownBy(() -> DynamoDbCanaryStore.builder().tableName("abc").build())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("DynamoDbClient");
        try (DynamoDbClient client = DynamoDbCanaryStoreProvider.client(BASE)) {
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().client(client).build())
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("table name");
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().tableName("x"))
                    .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("3-255");
            assertThatThrownBy(() -> DynamoDbCanaryStore.builder().timeToLiveRetention(java.time.Duration.ofDays(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
