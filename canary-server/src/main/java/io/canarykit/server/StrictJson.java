package io.canarykit.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Reads a request body as exactly one JSON object: nesting at most {@value #MAX_DEPTH} deep, numbers at most
 * {@value #MAX_NUMBER_LENGTH} characters, field names at most {@value #MAX_NAME_LENGTH}, no duplicate field, nothing
 * after the value but whitespace. Every violation is a {@link BadJson} whose message gives the position or the limit,
 * never the text that was sent.
 */
final class StrictJson {
    static final int MAX_DEPTH = 8;
    static final int MAX_NUMBER_LENGTH = 20;
    static final int MAX_NAME_LENGTH = 128;
    private static final String EXAMPLE = "{\"asset\":{\"kind\":\"ci-build\",\"id\":\"run-42\"}}";

    private final ObjectMapper mapper;

    StrictJson(int maxBodyBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxStringLength(Math.max(maxBodyBytes, 1))
                        .maxDocumentLength(Math.max(maxBodyBytes, 1))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    /** The body as a JSON object. */
    JsonNode object(byte[] body) {
        if (body.length == 0) {
            throw new BadJson("empty body; send a JSON object such as " + EXAMPLE);
        }
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new BadJson("the JSON exceeds a limit (nesting deeper than " + MAX_DEPTH + ", a number longer than "
                    + MAX_NUMBER_LENGTH + " characters or a field name longer than " + MAX_NAME_LENGTH + ")");
        } catch (JsonProcessingException e) {
            // never Jackson's message: it quotes the offending text, which could be anything a caller sent
            JsonLocation at = e.getLocation();
            throw new BadJson("invalid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()) + " (one JSON object, nothing after it, no repeated field); send a JSON object "
                    + "such as " + EXAMPLE);
        } catch (IOException | RuntimeException e) {
            throw new BadJson("unreadable body: send UTF-8 JSON such as " + EXAMPLE);
        }
        if (n == null || !n.isObject()) {
            throw new BadJson("the body must be a JSON object such as " + EXAMPLE);
        }
        return n;
    }

    /** A body that is not acceptable JSON; the message is safe to send back. */
    static final class BadJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadJson(String message) {
            super(message, null, false, false);
        }
    }
}
