package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque cursor of a listing page: the position after which the next page starts, which is the key of the last
 * canary the page consumed ({@code C#<id>}, the table key DynamoDB's {@code LastEvaluatedKey} would name). A single
 * position serves every plan, including merges of several index ranges, because all of them are ordered by canary
 * id.
 */
final class ListCursor {
    private static final String PREFIX = "dc1:";

    private ListCursor() {
    }

    static String encode(CanaryId last) {
        byte[] bytes = (PREFIX + ItemCodec.canaryPk(last)).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The position a cursor names.
     *
     * @throws CanaryConfigurationException if it is not a cursor this store made
     */
    static CanaryId decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(cursor);
        }
        if (!text.startsWith(PREFIX + "C#")) {
            throw invalid(cursor);
        }
        try {
            return new CanaryId(text.substring(PREFIX.length() + 2));
        } catch (CanaryConfigurationException e) {
            throw invalid(cursor);
        }
    }

    private static CanaryConfigurationException invalid(String cursor) {
        String shown = cursor.length() > 64 ? cursor.substring(0, 64) + "..." : cursor;
        return new CanaryConfigurationException("invalid listing cursor '" + shown + "': pass the nextCursor() of a page"
                + " this DynamoDB store returned, unchanged, or null for the first page");
    }
}
