package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCESS_KEY;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT_SORT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ASSET;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_PRINCIPAL;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_SHARD;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.ID;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.PK;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.SK;

/**
 * DynamoDB's item and key size rules, checked before a write so that an oversized record fails with a message that
 * says what is too big, rather than with DynamoDB's {@code ValidationException}.
 *
 * <p>Sizes follow DynamoDB's documented accounting: attribute names and string values count their UTF-8 bytes, a
 * number about one byte per two significant digits plus one, booleans and nulls one byte, and a list or map three
 * bytes plus one byte and the (name and) value size per element.
 */
final class ItemSize {
    /** DynamoDB's maximum item size: 400 KB, attribute names included. */
    static final int MAX_ITEM_BYTES = 400 * 1024;
    /** Maximum size of a partition key value (table or index). */
    static final int MAX_PARTITION_KEY_BYTES = 2048;
    /** Maximum size of a sort key value (table or index). */
    static final int MAX_SORT_KEY_BYTES = 1024;

    private static final List<String> PARTITION_KEYS = List.of(PK, GSI_ACCESS_KEY, GSI_PRINCIPAL, GSI_ASSET, GSI_ACCOUNT, GSI_SHARD);
    private static final List<String> SORT_KEYS = List.of(SK, ID, GSI_ACCOUNT_SORT);
    private static final Map<String, String> KEY_MEANING = Map.of(
            PK, "the item's partition key",
            SK, "the item's sort key",
            GSI_ACCESS_KEY, "the access key id",
            GSI_PRINCIPAL, "the principal name",
            GSI_ASSET, "the asset kind and id",
            GSI_ACCOUNT, "the account id");

    private ItemSize() {
    }

    /** The size DynamoDB accounts for this item, in bytes. */
    static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    /** The size of one value, in bytes. */
    static long of(AttributeValue v) {
        switch (v.type()) {
            case S:
                return utf8(v.s());
            case N:
                return numberSize(v.n());
            case B:
                return v.b().asByteArray().length;
            case BOOL:
            case NUL:
                return 1;
            case SS:
                return v.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS:
                return v.ns().stream().mapToLong(ItemSize::numberSize).sum();
            case BS:
                return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case L: {
                long size = 3;
                for (AttributeValue e : v.l()) {
                    size += 1 + of(e);
                }
                return size;
            }
            case M: {
                long size = 3;
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                    size += 1 + utf8(e.getKey()) + of(e.getValue());
                }
                return size;
            }
            default:
                throw new IllegalArgumentException("unknown DynamoDB attribute type " + v.type());
        }
    }

    /**
     * Checks an item against the 400 KB item limit and the key limits before it is written.
     *
     * @param what names the item in the message, such as {@code canary 01J...}
     * @throws CanaryConfigurationException saying which attributes make it too large and how to fix it; nothing has
     *                                      been written
     */
    static void check(String what, Map<String, AttributeValue> item) {
        for (String key : PARTITION_KEYS) {
            checkKey(what, item, key, MAX_PARTITION_KEY_BYTES);
        }
        for (String key : SORT_KEYS) {
            checkKey(what, item, key, MAX_SORT_KEY_BYTES);
        }
        long size = of(item);
        if (size > MAX_ITEM_BYTES) {
            List<Map.Entry<String, AttributeValue>> biggest = new ArrayList<>(item.entrySet());
            biggest.sort(Comparator.comparingLong((Map.Entry<String, AttributeValue> e) -> of(e.getValue())).reversed());
            String top = biggest.stream().limit(3)
                    .map(e -> e.getKey() + " (" + (utf8(e.getKey()) + of(e.getValue())) + " bytes)")
                    .collect(Collectors.joining(", "));
            throw new CanaryConfigurationException(what + " would be a DynamoDB item of " + size
                    + " bytes, over DynamoDB's limit of " + MAX_ITEM_BYTES + " bytes (400 KB); the largest attributes are "
                    + top + ". Keep bulky data (logs, documents) out of the record: store a reference to it instead."
                    + " Nothing was written");
        }
    }

    private static void checkKey(String what, Map<String, AttributeValue> item, String key, int limit) {
        AttributeValue v = item.get(key);
        if (v == null || v.s() == null) {
            return;
        }
        long size = utf8(v.s());
        if (size > limit) {
            throw new CanaryConfigurationException(what + ": " + KEY_MEANING.getOrDefault(key, key) + " is " + size
                    + " bytes in UTF-8, but DynamoDB keys (attribute " + key + ") hold at most " + limit
                    + " bytes; shorten it. Nothing was written");
        }
    }

    static long utf8(String s) {
        // counts UTF-8 bytes without allocating
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static long numberSize(String n) {
        BigDecimal d = new BigDecimal(n).stripTrailingZeros();
        int digits = d.unscaledValue().abs().toString().length();
        return (digits + 1) / 2 + 1 + (d.signum() < 0 ? 1 : 0);
    }
}
