package io.canarykit.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Hands a JSON body to a {@link Delivery}: what every JSON-posting sink does with what it rendered. */
final class JsonPost {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonPost() {
    }

    static void deliver(Delivery delivery, String id, ObjectNode body) {
        try {
            delivery.deliver(DeliveryMessage.json(id, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + id + " as JSON", e);
        }
    }
}
