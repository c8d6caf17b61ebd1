package io.canarykit.store.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Items in DynamoDB's wire JSON ({@code {"pk":{"S":"..."}}}), for stub responses. */
final class DynamoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamoJson() {
    }

    static String item(Map<String, AttributeValue> item) {
        try {
            return JSON.writeValueAsString(toJson(item));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> toJson(Map<String, AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    private static Map<String, Object> value(AttributeValue v) {
        switch (v.type()) {
            case S:
                return Map.of("S", v.s());
            case N:
                return Map.of("N", v.n());
            case BOOL:
                return Map.of("BOOL", v.bool());
            case M:
                return Map.of("M", toJson(v.m()));
            case L: {
                List<Object> list = new ArrayList<>();
                for (AttributeValue e : v.l()) {
                    list.add(value(e));
                }
                return Map.of("L", list);
            }
            default:
                throw new IllegalArgumentException("unsupported in stubs: " + v.type());
        }
    }
}
