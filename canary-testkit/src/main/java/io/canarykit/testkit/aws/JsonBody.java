package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * The members of an AWS JSON 1.1 request body (Secrets Manager, SSM), with the services' validation errors, and the
 * helpers their answers share: epoch-second timestamps and {@code [{"Key":…,"Value":…}]} tag lists.
 */
final class JsonBody {
    private final ObjectNode body;

    private JsonBody(ObjectNode body) {
        this.body = body;
    }

    /** The request's JSON object; an empty or malformed body is a SerializationException, as AWS answers it. */
    static JsonBody of(Call call) {
        if (call.req.body.length == 0) {
            return new JsonBody(JsonNodeFactory.instance.objectNode());
        }
        try {
            JsonNode n = Wire.JSON.readTree(call.req.body);
            if (n instanceof ObjectNode o) {
                return new JsonBody(o);
            }
        } catch (IOException e) {
            // answered below
        }
        throw new ApiError("SerializationException", 400, "Start of structure or map found where not expected.");
    }

    /** A string member, or {@code null}. */
    @Nullable String str(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A required string member: absent is a ValidationException naming it as AWS does. */
    String required(String name) {
        String v = str(name);
        if (v == null) {
            throw validation("1 validation error detected: Value null at '" + Call.lowerFirst(name)
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return v;
    }

    boolean bool(String name) {
        JsonNode n = body.get(name);
        return n != null && n.asBoolean(false);
    }

    boolean has(String name) {
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }

    @Nullable Integer integer(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n.asInt();
    }

    /** {@code [{"Key":…,"Value":…}]} as an ordered map; duplicate keys are a ValidationException. */
    Map<String, String> tags(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode list = body.get(name);
        if (list == null || !list.isArray()) {
            return out;
        }
        for (JsonNode t : list) {
            String k = t.path("Key").asText(null);
            String v = t.path("Value").asText("");
            if (k == null || k.isEmpty() || k.length() > 128 || v.length() > 256) {
                throw validation("1 validation error detected: a tag key must be 1-128 characters and a value at most"
                        + " 256 characters");
            }
            if (out.put(k, v) != null) {
                throw validation("Duplicate tag keys: " + k);
            }
        }
        return out;
    }

    /** The body as CloudTrail records it: lower-camel member names, with the named secret members left out. */
    ObjectNode trailParameters(Set<String> hidden) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!hidden.contains(e.getKey())) {
                out.set(Call.lowerFirst(e.getKey()), e.getValue());
            }
        }
        return out;
    }

    static ApiError validation(String message) {
        return new ApiError("ValidationException", 400, message);
    }

    /** Seconds since the epoch with milliseconds, as AWS JSON services send timestamps. */
    static double epoch(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    static void putTags(ObjectNode into, String member, Map<String, String> tags) {
        var arr = into.putArray(member);
        tags.forEach((k, v) -> arr.addObject().put("Key", k).put("Value", v));
    }
}
