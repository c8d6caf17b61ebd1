package io.canarykit.alert;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Arrays;

/**
 * One message a sink hands to its {@link Delivery}, rendered once so that every retry (from memory or from the spool)
 * sends exactly the same bytes.
 *
 * @param id          the idempotency key: the alert id ({@link AlertJson#alertId}), or the digest id
 * @param contentType the body's media type, such as {@code application/json}
 * @param body        the bytes to send
 * @param attributes  what the transport needs besides the body (such as extra headers or a subject); never a secret
 *
 * @since 0.1.0
 */
public record DeliveryMessage(String id, String contentType, byte[] body, Map<String, String> attributes) {
    public DeliveryMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(contentType, "contentType");
        body = Objects.requireNonNull(body, "body").clone();
        attributes = Map.copyOf(new TreeMap<>(attributes == null ? Map.of() : attributes));
    }

    /** A JSON message without attributes. */
    public static DeliveryMessage json(String id, byte[] body) {
        return new DeliveryMessage(id, "application/json", body, Map.of());
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliveryMessage m && id.equals(m.id) && contentType.equals(m.contentType)
                && Arrays.equals(body, m.body) && attributes.equals(m.attributes);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "DeliveryMessage[" + id + ", " + contentType + ", " + body.length + " bytes]";
    }
}
