package io.canarykit.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The value {@link Leases} and {@link Claims} keep in a {@link StoreEntry}: one line of JSON,
 * {@code {"owner":…,"token":…,"expiresAt":…,"done":…,"payload":…}}, always written with the same field order, so
 * that re-encoding what was read gives the exact stored text that compare-and-set compares with.
 */
final class Holds {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What an entry holds, decoded. */
    record Hold(String owner, String token, Instant expiresAt, boolean done, @Nullable String payload) {
    }

    private Holds() {
    }

    static String encode(Hold h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("owner", h.owner());
        o.put("token", h.token());
        o.put("expiresAt", h.expiresAt().toString());
        if (h.done()) {
            o.put("done", true);
        }
        if (h.payload() != null) {
            o.put("payload", h.payload());
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a store entry as JSON", e);
        }
    }

    /**
     * Decodes an entry written by {@link #encode}.
     *
     * @throws CanaryStoreException (not retryable) if the entry was written by something else
     */
    static Hold decode(StoreEntry entry, String what) {
        try {
            JsonNode n = MAPPER.readTree(entry.value());
            String owner = n.path("owner").textValue();
            String token = n.path("token").textValue();
            String until = n.path("expiresAt").textValue();
            if (owner == null || token == null || until == null) {
                throw new CanaryStoreException("store entry '" + entry.key() + "' is not a " + what
                        + " (no owner, token or expiry): was it written by something other than canarykit?", false);
            }
            JsonNode payload = n.get("payload");
            return new Hold(owner, token, Instant.parse(until), n.path("done").asBoolean(false),
                    payload == null || payload.isNull() ? null : payload.asText());
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new CanaryStoreException("store entry '" + entry.key() + "' is not a " + what + " ("
                    + e.getClass().getSimpleName() + "): was it written by something other than canarykit?", false, e);
        }
    }

    static String newToken() {
        return UUID.randomUUID().toString();
    }

    static Instant millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    static void checkOwner(String owner) {
        if (owner == null || owner.isBlank() || owner.length() > 200) {
            throw new IllegalArgumentException("an owner is a non-blank name of at most 200 characters, such as"
                    + " host-pid-random; was " + (owner == null ? "null" : owner.length() + " characters"));
        }
    }
}
