package io.canarykit.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A JSON Schema (draft 2020-12) of ECS events, made from the published ECS 8.11.0 field definitions (test resource
 * {@code ecs-8.11.0/ecs_flat.yml}): every field as a nested property of its ECS type ({@code keyword}, {@code date},
 * {@code long}, {@code ip}, ...), the allowed values of the categorisation fields as enums, an array allowed where ECS
 * normalises to arrays, {@code required} fields required, and no property ECS does not define (besides the custom
 * field set named).
 */
final class EcsJsonSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EcsJsonSchema() {
    }

    /** The schema; {@code customFieldSets} are allowed at the root as objects of any content. */
    static String schema(String... customFieldSets) {
        JsonNode fields;
        try (InputStream in = EcsJsonSchema.class.getResourceAsStream("/ecs-8.11.0/ecs_flat.yml")) {
            fields = new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode root = object();
        for (Map.Entry<String, JsonNode> f : fields.properties()) {
            JsonNode def = f.getValue();
            String[] path = f.getKey().split("\\.");
            ObjectNode parent = root;
            for (int i = 0; i < path.length - 1; i++) {
                ObjectNode props = (ObjectNode) parent.get("properties");
                JsonNode child = props.get(path[i]);
                if (child == null || !child.has("properties")) {
                    child = object();
                    props.set(path[i], child);
                }
                parent = (ObjectNode) child;
            }
            String leaf = path[path.length - 1];
            ObjectNode props = (ObjectNode) parent.get("properties");
            if (props.has(leaf) && props.get(leaf).has("properties")) {
                continue; // an object that also has sub-fields
            }
            props.set(leaf, leaf(def));
            if (def.path("required").asBoolean(false)) {
                ((ArrayNode) parent.withArray("required")).add(leaf);
            }
        }
        for (String custom : customFieldSets) {
            ((ObjectNode) root.get("properties")).set(custom, JSON.createObjectNode().put("type", "object"));
        }
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        return root.toString();
    }

    private static ObjectNode object() {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "object");
        o.putObject("properties");
        o.put("additionalProperties", false);
        return o;
    }

    private static ObjectNode leaf(JsonNode def) {
        String type = def.path("type").asText();
        ObjectNode s = switch (type) {
            case "keyword", "text", "wildcard", "match_only_text", "constant_keyword", "ip", "geo_point" ->
                    JSON.createObjectNode().put("type", "string");
            case "date" -> JSON.createObjectNode().put("type", "string").put("format", "date-time");
            case "long", "integer", "short", "byte", "unsigned_long" -> JSON.createObjectNode().put("type", "integer");
            case "float", "double", "scaled_float", "half_float" -> JSON.createObjectNode().put("type", "number");
            case "boolean" -> JSON.createObjectNode().put("type", "boolean");
            case "object", "flattened" -> JSON.createObjectNode().put("type", "object");
            case "nested" -> JSON.createObjectNode().put("type", "array");
            default -> JSON.createObjectNode();
        };
        if (def.has("allowed_values")) {
            ArrayNode values = s.putArray("enum");
            def.path("allowed_values").forEach(v -> values.add(v.path("name").asText()));
        }
        boolean array = false;
        for (JsonNode n : def.path("normalize")) {
            array |= "array".equals(n.asText());
        }
        if (!array) {
            return s;
        }
        ObjectNode either = JSON.createObjectNode();
        ArrayNode anyOf = either.putArray("anyOf");
        anyOf.add(s);
        anyOf.addObject().put("type", "array").set("items", s);
        return either;
    }
}
