package io.canarykit.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads credentials and receipts, and writes receipts, as JSON for {@code canary place} and {@code canary unplace}.
 * Error messages name the field, line and column, never content: Jackson's own messages quote the offending text,
 * which may be a secret.
 */
final class CliJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_INPUT = 64 * 1024;
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("accessKeyId", "secretAccessKey", "sessionToken", "expiration");

    private CliJson() {
    }

    /** The bytes of {@code FILE}, or of standard input for {@code -}. */
    static byte[] readSource(String source, InputStream stdin, String option) {
        if (source.startsWith("{") || source.contains("\"")) {
            throw new CliErrors.UsageException(option + " takes a file name or -, not the JSON itself: a secret on the "
                    + "command line shows in process lists and shell history. Put it in a file (chmod 600) or pipe it in");
        }
        try (InputStream in = source.equals("-") ? null : Files.newInputStream(Path.of(source))) {
            // a credential or receipt is a few hundred bytes: read a bounded amount, never a whole huge file or device
            byte[] bytes = (in == null ? stdin : in).readNBytes(MAX_INPUT + 1);
            if (bytes.length > MAX_INPUT) {
                throw new CanaryConfigurationException(option + ": " + (source.equals("-") ? "standard input" : source)
                        + " holds more than " + MAX_INPUT + " bytes, which is not a credential or receipt JSON");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException(option + ": the file " + source + " does not exist");
        } catch (IOException e) {
            throw new CanaryConfigurationException(option + ": cannot read " + (source.equals("-") ? "standard input" : source)
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code {"accessKeyId":…,"secretAccessKey":…,"sessionToken":…,"expiration":…}}. */
    static CanaryCredential credential(byte[] json) {
        JsonNode n = tree(json, "the credential JSON");
        if (!n.isObject()) {
            throw new CanaryConfigurationException("the credential JSON must be an object with accessKeyId and secretAccessKey");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!CREDENTIAL_FIELDS.contains(f)) {
                throw new CanaryConfigurationException("the credential JSON has an unknown field '" + f
                        + "'; expected accessKeyId, secretAccessKey, sessionToken, expiration");
            }
        }
        String keyId = required(n, "accessKeyId");
        String secret = required(n, "secretAccessKey");
        String token = optional(n, "sessionToken");
        String expiration = optional(n, "expiration");
        Instant exp;
        try {
            exp = expiration == null ? null : Instant.parse(expiration);
        } catch (DateTimeParseException e) {
            throw new CanaryConfigurationException("the credential JSON field expiration: '" + expiration
                    + "' is not an ISO-8601 instant such as 2026-11-28T22:00:00Z");
        }
        return new CanaryCredential(keyId, Secret.of(secret), Secret.ofNullable(token), exp);
    }

    static ObjectNode receipt(PlacementReceipt r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("placement", r.placement());
        n.put("location", r.location());
        ObjectNode d = n.putObject("details");
        new TreeMap<>(r.details()).forEach(d::put);
        n.put("placedAt", r.placedAt().toString());
        return n;
    }

    static PlacementReceipt receipt(byte[] json) {
        JsonNode n = tree(json, "the receipt");
        String placement = required(n, "placement");
        String location = required(n, "location");
        String placedAt = required(n, "placedAt");
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode d = n.path("details");
        if (!d.isObject()) {
            throw new CanaryConfigurationException("the receipt has no details object; give the JSON canary place printed");
        }
        for (Map.Entry<String, JsonNode> e : d.properties()) {
            details.put(e.getKey(), e.getValue().asText());
        }
        try {
            return new PlacementReceipt(placement, location, details, Instant.parse(placedAt));
        } catch (DateTimeParseException e) {
            throw new CanaryConfigurationException("the receipt's placedAt is not an ISO-8601 instant");
        }
    }

    static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static JsonNode tree(byte[] json, String what) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new CanaryConfigurationException(what + " is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new CanaryConfigurationException(what + " is not valid JSON"
                    + (l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr()));
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read " + what);
        }
    }

    /** The non-empty string {@code field}, or a clear error when it is missing, null or not a non-empty string. */
    private static String required(JsonNode n, String field) {
        String v = optional(n, field);
        if (v == null) {
            throw new CanaryConfigurationException("the JSON needs the field " + field);
        }
        return v;
    }

    /** The non-empty string {@code field}, or {@code null} when it is missing or null; a clear error otherwise. */
    private static @Nullable String optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new CanaryConfigurationException("the JSON field " + field + " must be a non-empty string");
        }
        return v.asText();
    }
}
