package io.canarykit.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.PlacementReceipt;
import io.canarykit.SelfUse;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The JSON text of the store's JSON columns: asset labels and attributes (objects of strings, keys sorted so that the
 * text of equal maps is equal), the placement receipt and the self-uses. Instants are ISO-8601 strings. Thread-safe.
 */
final class JsonColumns {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonColumns() {
    }

    static String writeMap(Map<String, String> map) {
        ObjectNode node = MAPPER.createObjectNode();
        new TreeMap<>(map).forEach(node::put);
        return write(node);
    }

    static Map<String, String> readMap(String json, String column) {
        JsonNode node = read(json, column);
        if (!node.isObject()) {
            throw new IllegalArgumentException("column " + column + " does not hold a JSON object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw new IllegalArgumentException("column " + column + ": value of '" + f.getKey() + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().textValue());
        }
        return out;
    }

    static @Nullable String writeReceipt(@Nullable PlacementReceipt receipt) {
        if (receipt == null) {
            return null;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("placement", receipt.placement());
        node.put("location", receipt.location());
        ObjectNode details = node.putObject("details");
        new TreeMap<>(receipt.details()).forEach(details::put);
        node.put("placedAt", receipt.placedAt().toString());
        return write(node);
    }

    static @Nullable PlacementReceipt readReceipt(@Nullable String json) {
        if (json == null) {
            return null;
        }
        JsonNode node = read(json, "receipt");
        Map<String, String> details = readMap(write(required(node, "details", "receipt")), "receipt.details");
        return new PlacementReceipt(text(node, "placement", "receipt"), text(node, "location", "receipt"), details,
                instant(node, "placedAt", "receipt"));
    }

    static String writeSelfUses(List<SelfUse> uses) {
        ArrayNode array = MAPPER.createArrayNode();
        for (SelfUse u : uses) {
            ObjectNode o = array.addObject();
            o.put("eventName", u.eventName());
            o.put("at", u.at().toString());
            o.put("requestId", u.requestId());
            o.put("userAgent", u.userAgent());
        }
        return write(array);
    }

    static List<SelfUse> readSelfUses(String json) {
        JsonNode node = read(json, "self_uses");
        if (!node.isArray()) {
            throw new IllegalArgumentException("column self_uses does not hold a JSON array");
        }
        List<SelfUse> out = new ArrayList<>();
        for (JsonNode o : node) {
            out.add(new SelfUse(text(o, "eventName", "self_uses"), instant(o, "at", "self_uses"),
                    optionalText(o, "requestId"), optionalText(o, "userAgent")));
        }
        return out;
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // cannot happen for a tree of strings
        }
    }

    private static JsonNode read(String json, String column) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("column " + column + " does not hold valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String column) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("column " + column + " lacks '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field, String column) {
        JsonNode v = required(node, field, column);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("column " + column + ": '" + field + "' is not a string");
        }
        return v.textValue();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field, String column) {
        String v = text(node, field, column);
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("column " + column + ": '" + field + "' is not an ISO-8601 instant", e);
        }
    }
}
