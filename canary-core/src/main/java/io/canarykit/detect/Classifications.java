package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Classification;
import io.canarykit.SightingClass;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** Classifications as JSON text, as an alert claim records them (a take-over sends the same ones). */
final class Classifications {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Leaves room in a claim for the sightings' keys. */
    private static final int MAX_LENGTH = 16_000;

    private Classifications() {
    }

    /**
     * The classifications, each distinct one written once ({@code {"distinct":[…],"each":[index,…]}}), or {@code null}
     * when even that would not fit in a claim (the deliverer then classifies again).
     */
    static @Nullable String encode(List<Classification> list) {
        List<Classification> distinct = new ArrayList<>();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode each = JSON.createArrayNode();
        for (Classification c : list) {
            int i = distinct.indexOf(c);
            if (i < 0) {
                distinct.add(c);
                i = distinct.size() - 1;
            }
            each.add(i);
        }
        ArrayNode a = root.putArray("distinct");
        for (Classification c : distinct) {
            ObjectNode o = a.addObject();
            o.put("kind", c.kind().configName());
            ArrayNode e = o.putArray("evidence");
            c.evidence().forEach(e::add);
        }
        root.set("each", each);
        String text = root.toString();
        return text.length() > MAX_LENGTH ? null : text;
    }

    /** The classifications, or {@code null} if the text is not what {@link #encode} wrote. */
    static @Nullable List<Classification> decode(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            List<Classification> distinct = new ArrayList<>();
            for (JsonNode n : root.path("distinct")) {
                List<String> evidence = new ArrayList<>();
                n.path("evidence").forEach(x -> evidence.add(x.asText()));
                distinct.add(new Classification(SightingClass.fromConfigName(n.path("kind").asText()), evidence));
            }
            List<Classification> out = new ArrayList<>();
            for (JsonNode i : root.path("each")) {
                out.add(distinct.get(i.asInt()));
            }
            return out;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }
}
