package io.canarykit.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON Schema (draft 2020-12) of an OCSF class, made from the published OCSF schema files (test resources
 * {@code ocsf-schema-1.8.0/}) the way the OCSF schema server exports one: the class's attributes merged along its
 * {@code extends} chain and the {@code $include}d profiles asked for, each typed from the dictionary ({@code *_t} types to JSON types,
 * their regular expressions kept), {@code requirement: required} attributes required, enumerated {@code _id} values
 * as enums, arrays where {@code is_array}, objects as definitions with no other properties allowed.
 */
final class OcsfJsonSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "/ocsf-schema-1.8.0/";

    private final JsonNode dictionary;
    private final JsonNode types;
    private final ObjectNode defs = JSON.createObjectNode();
    private final java.util.Set<String> profiles;

    private OcsfJsonSchema(java.util.Set<String> profiles) {
        this.profiles = profiles;
        dictionary = read("dictionary.json").path("attributes");
        types = read("dictionary.json").path("types").path("attributes");
    }

    /**
     * The schema of the class in {@code events/<path>.json} with the given profiles applied (a profile's attributes
     * exist only where it is applied, as the schema server exports them).
     */
    static String forClass(String path, String... profiles) {
        OcsfJsonSchema g = new OcsfJsonSchema(java.util.Set.of(profiles));
        ObjectNode schema = g.objectSchema(g.merged("events/" + path + ".json", "events/"));
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.set("$defs", g.defs);
        return schema.toString();
    }

    private static JsonNode read(String name) {
        try (InputStream in = OcsfJsonSchema.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("missing OCSF schema file " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A class's or object's attributes, with those of what it extends and the profiles it includes. */
    private Map<String, JsonNode> merged(String file, String folder) {
        JsonNode def = read(file);
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        String parent = def.path("extends").asText(null);
        if (parent != null && !parent.equals("object")) {
            String dir = file.substring(0, file.lastIndexOf('/') + 1);
            String sibling = dir + parent + ".json";
            attributes.putAll(merged(OcsfJsonSchema.class.getResource(ROOT + sibling) != null ? sibling
                    : folder + parent + ".json", folder));
        }
        JsonNode own = def.path("attributes");
        for (JsonNode include : own.path("$include")) {
            String profile = include.asText().replaceAll(".*/|\\.json$", "");
            if (!profiles.contains(profile)) {
                continue;
            }
            read(include.asText()).path("attributes").properties().forEach(e -> overlay(attributes, e.getKey(), e.getValue()));
        }
        own.properties().forEach(e -> {
            if (!e.getKey().equals("$include")) {
                overlay(attributes, e.getKey(), e.getValue());
            }
        });
        return attributes;
    }

    private static void overlay(Map<String, JsonNode> attributes, String name, JsonNode spec) {
        ObjectNode merged = attributes.containsKey(name) ? ((ObjectNode) attributes.get(name)).deepCopy() : JSON.createObjectNode();
        spec.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        attributes.put(name, merged);
    }

    private ObjectNode objectSchema(Map<String, JsonNode> attributes) {
        ObjectNode s = JSON.createObjectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        ArrayNode required = s.putArray("required");
        for (Map.Entry<String, JsonNode> a : attributes.entrySet()) {
            JsonNode dict = dictionary.path(a.getKey());
            props.set(a.getKey(), attributeSchema(a.getKey(), dict, a.getValue()));
            if ("required".equals(a.getValue().path("requirement").asText())) {
                required.add(a.getKey());
            }
        }
        s.put("additionalProperties", false);
        return s;
    }

    private JsonNode attributeSchema(String name, JsonNode dict, JsonNode local) {
        String type = dict.path("type").asText("string_t");
        ObjectNode one;
        if (type.endsWith("_t")) {
            one = primitive(type);
            JsonNode enumeration = local.has("enum") ? local.path("enum") : dict.path("enum");
            if (enumeration.isObject() && enumeration.size() > 0 && name.endsWith("_id")) {
                ArrayNode values = one.putArray("enum");
                for (Iterator<String> it = enumeration.fieldNames(); it.hasNext(); ) {
                    values.add(Integer.parseInt(it.next()));
                }
            }
        } else if (type.equals("object")) {
            one = JSON.createObjectNode().put("type", "object");
        } else {
            if (!defs.has(type)) {
                defs.putObject(type); // placeholder: objects refer to each other
                defs.set(type, objectSchema(merged("objects/" + type + ".json", "objects/")));
            }
            one = JSON.createObjectNode().put("$ref", "#/$defs/" + type);
        }
        if (dict.path("is_array").asBoolean(false)) {
            ObjectNode array = JSON.createObjectNode().put("type", "array");
            array.set("items", one);
            return array;
        }
        return one;
    }

    private ObjectNode primitive(String type) {
        JsonNode t = types.path(type);
        String base = t.path("type").asText(type);
        ObjectNode s = switch (type) {
            case "boolean_t" -> JSON.createObjectNode().put("type", "boolean");
            case "integer_t", "long_t", "timestamp_t", "port_t" -> JSON.createObjectNode().put("type", "integer");
            case "float_t" -> JSON.createObjectNode().put("type", "number");
            case "json_t" -> JSON.createObjectNode();
            default -> base.equals("integer_t") || base.equals("long_t") ? JSON.createObjectNode().put("type", "integer")
                    : JSON.createObjectNode().put("type", "string");
        };
        if (t.has("regex") && "string".equals(s.path("type").asText())) {
            s.put("pattern", t.path("regex").asText());
        }
        return s;
    }
}
