package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ItemSizeTest {

    @Test
    void sizesFollowDynamoDbAccounting() {
        assertThat(ItemSize.of(AttributeValue.fromS("abc"))).isEqualTo(3);
        assertThat(ItemSize.of(AttributeValue.fromS("Zoë"))).isEqualTo(4);
        assertThat(ItemSize.of(AttributeValue.fromS("🐤"))).isEqualTo(4);
        assertThat(ItemSize.of(AttributeValue.fromN("1"))).isEqualTo(2);
        assertThat(ItemSize.of(AttributeValue.fromN("12345"))).isEqualTo(4);
        assertThat(ItemSize.of(AttributeValue.fromN("-12345"))).isEqualTo(5);
        assertThat(ItemSize.of(AttributeValue.fromBool(true))).isEqualTo(1);
        assertThat(ItemSize.of(AttributeValue.fromNul(true))).isEqualTo(1);
        assertThat(ItemSize.of(AttributeValue.fromB(SdkBytes.fromByteArray(new byte[10])))).isEqualTo(10);
        assertThat(ItemSize.of(AttributeValue.fromL(List.of(AttributeValue.fromS("ab"), AttributeValue.fromS("c")))))
                .isEqualTo(3 + (1 + 2) + (1 + 1));
        assertThat(ItemSize.of(AttributeValue.fromM(Map.of("k", AttributeValue.fromS("vv"))))).isEqualTo(3 + 1 + 1 + 2);
        assertThat(ItemSize.of(Map.of("name", AttributeValue.fromS("value")))).isEqualTo(9);
    }

    @Test
    void anItemAtTheLimitPassesAndOneByteMoreFails() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("C#x"));
        long used = ItemSize.of(item) + "big".length();
        item.put("big", AttributeValue.fromS("x".repeat((int) (ItemSize.MAX_ITEM_BYTES - used))));
        assertThat(ItemSize.of(item)).isEqualTo(ItemSize.MAX_ITEM_BYTES);
        assertThatCode(() -> ItemSize.check("canary x", item)).doesNotThrowAnyException();

        item.put("big", AttributeValue.fromS("x".repeat((int) (ItemSize.MAX_ITEM_BYTES - used)) + "é"));
        assertThatThrownBy(() -> ItemSize.check("canary x", item)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary x").hasMessageContaining("409602 bytes")
                .hasMessageContaining("409600").hasMessageContaining("big (")
                .hasMessageContaining("Nothing was written");
    }

    @Test
    void keysOverDynamoDbsLimitsFail() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("C#x"));
        item.put(DynamoDbCanaryTable.GSI_ASSET, AttributeValue.fromS("host#" + "ü".repeat(1100)));
        assertThatThrownBy(() -> ItemSize.check("canary x", item)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("the asset kind and id is 2205 bytes").hasMessageContaining("2048");

        Map<String, AttributeValue> sorted = new LinkedHashMap<>();
        sorted.put("pk", AttributeValue.fromS("K#x"));
        sorted.put("sk", AttributeValue.fromS("s".repeat(1025)));
        assertThatThrownBy(() -> ItemSize.check("checkpoint x", sorted)).hasMessageContaining("1024");
    }

    @Test
    void utf8CountsLikeTheEncoder() {
        for (String s : List.of("", "abc", "Zoë Müller", "платформа", "🐤🐤", "ü".repeat(100))) {
            assertThat(ItemSize.utf8(s)).as(s).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        // a lone surrogate is not valid UTF-8; it is counted as 3 bytes, never less than the encoder's replacement
        assertThat(ItemSize.utf8("a\uD800b")).isEqualTo(5);
    }
}
