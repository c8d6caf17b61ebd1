package io.canarykit.store.dynamodb;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.Sighting;
import io.canarykit.store.CanaryNotFoundException;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.DuplicateCanaryException;
import io.canarykit.store.Page;
import io.canarykit.store.StaleVersionException;
import io.canarykit.store.StoreEntry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.BY_ACCESS_KEY;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.BY_ACCOUNT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.BY_ASSET;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.BY_PRINCIPAL;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.BY_SHARD;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCESS_KEY;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ACCOUNT_SORT;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_ASSET;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_PRINCIPAL;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.GSI_SHARD;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.ID;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.LIST_SHARDS;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.PK;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.SK;
import static io.canarykit.store.dynamodb.DynamoDbCanaryTable.TYPE;
import static io.canarykit.store.dynamodb.ItemCodec.CANARY_ID;
import static io.canarykit.store.dynamodb.ItemCodec.SIGHTING_KEY;
import static io.canarykit.store.dynamodb.ItemCodec.s;

/**
 * A {@link CanaryStore} on one DynamoDB table, with the {@link DynamoDbClient} the caller supplies. The table layout
 * (keys, items, indexes, TTL) is described in {@link DynamoDbCanaryTable}, which also creates the table.
 *
 * <h2>How each operation maps to DynamoDB</h2>
 * <ul>
 *   <li>{@link #create}: one {@code PutItem} with {@code attribute_not_exists(pk)}.</li>
 *   <li>{@link #update}: one {@code PutItem} replacing the whole item, on condition that the stored {@code version}
 *       is the caller's. When the condition fails, the old item (returned with the failure by DynamoDB, or read
 *       again where the server does not return it) tells "stale" from "not found".</li>
 *   <li>{@link #find}, {@link #checkpoint}: one strongly consistent {@code GetItem}.</li>
 *   <li>{@link #findByAccessKeyId}, {@link #findByPrincipalName}, {@link #findByAsset}: a {@code Query} of a
 *       keys-only index, then a strongly consistent {@code BatchGetItem} of what it found, so every record returned is
 *       current and matches. Index membership itself is eventually consistent on DynamoDB: a record created or
 *       re-keyed a moment ago (typically well under a second) may not be found yet.</li>
 *   <li>{@link #list}: {@code Query} pages of the account index (live and/or terminal range) or of the
 *       {@value DynamoDbCanaryTable#LIST_SHARDS} list shards, merged in id order, filtered by status and kind on the
 *       server, then a consistent {@code BatchGetItem}; the cursor is opaque.</li>
 *   <li>{@link #countLive}: a {@code Query} with {@code Select=COUNT} of the account's live range of the account
 *       index. The count is computed from the items themselves, so concurrent writers can never make it drift; it
 *       is eventually consistent on DynamoDB, like every index read.</li>
 *   <li>{@link #addSighting}: a conditional {@code PutItem} of the event's uniqueness item, then a conditional
 *       {@code PutItem} of the sighting item under the canary. No transaction is needed: the second write is
 *       idempotent and a retry completes a half-written sighting (see the method).</li>
 *   <li>{@link #sightings}: a strongly consistent {@code Query} of the canary's partition.</li>
 *   <li>Conditional entries, item {@code X#<key>}: {@link #entry} is one consistent {@code GetItem};
 *       {@link #putEntryIfAbsent} a {@code PutItem} with {@code attribute_not_exists(pk)}; {@link #replaceEntry} a
 *       {@code PutItem} and {@link #deleteEntry} a {@code DeleteItem}, each on condition that the stored value is the
 *       expected one. No transaction is needed, so dynalite runs them too. An entry with an expiry carries the
 *       table's TTL attribute, so DynamoDB TTL (when enabled) purges expired entries by itself;
 *       {@link #purgeExpiredEntries} is a filtered {@code Scan} of the whole table plus a conditional
 *       {@code DeleteItem} per expired entry: enable TTL instead of calling it often on a large table.</li>
 * </ul>
 * Every read follows {@code LastEvaluatedKey} (1 MB pages). Items are checked against DynamoDB's 400 KB item and key
 * limits before a write. SDK failures become {@link CanaryStoreException}s, retryable for throttling, 5xx and lost
 * connections; the SDK's own retry strategy (the client's) runs first.
 *
 * <p>Instances are thread-safe. The store holds no secret.
 *
 * @since 0.1.0
 */
public final class DynamoDbCanaryStore implements CanaryStore {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCanaryStore.class);
    /** Most keys one {@code BatchGetItem} may ask for. */
    static final int BATCH_GET_MAX = 100;
    /** Rounds of {@code UnprocessedKeys} before giving up with a retryable error. */
    static final int BATCH_GET_ROUNDS = 8;
    /** How long a short-term canary is kept after its expiry before TTL may delete it, by default. */
    public static final Duration DEFAULT_TTL_RETENTION = Duration.ofDays(30);

    private static final Set<CanaryStatus> LIVE = statuses(true);
    private static final Set<CanaryStatus> TERMINAL = statuses(false);

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final @Nullable Duration ttlRetention;
    private final boolean ownsClient;

    private DynamoDbCanaryStore(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client"); // build() checked it
        this.table = Objects.requireNonNull(b.tableName, "tableName"); // build() checked it
        this.clock = b.clock;
        this.ttlRetention = b.ttlRetention;
        this.ownsClient = b.ownsClient;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The table this store reads and writes. */
    public String tableName() {
        return table;
    }

    // ------------------------------------------------------------------------------------------ records

    /**
     * {@inheritDoc}
     *
     * @throws io.canarykit.CanaryConfigurationException if the record would exceed DynamoDB's item or key limits
     */
    @Override
    public CanaryRecord create(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        CanaryRecord stored = record.withVersion(1);
        Map<String, AttributeValue> item = ItemCodec.canaryItem(stored, clock.instant(), ttlRetention);
        ItemSize.check("canary " + stored.id(), item);
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            throw new DuplicateCanaryException(stored.id());
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
        LOG.debug("created canary {} in {}", stored.id(), table);
        return stored;
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.canarykit.CanaryConfigurationException if the record would exceed DynamoDB's item or key limits
     */
    @Override
    public CanaryRecord update(CanaryRecord record) {
        Objects.requireNonNull(record, "record");
        long expected = record.version();
        CanaryRecord stored = record.withVersion(expected + 1);
        Map<String, AttributeValue> item = ItemCodec.canaryItem(stored, clock.instant(), ttlRetention);
        ItemSize.check("canary " + stored.id(), item);
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", ItemCodec.VERSION))
                    .expressionAttributeValues(Map.of(":v", ItemCodec.n(expected)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : getItem(ItemCodec.canaryKey(record.id()));
            if (current == null) {
                throw new CanaryNotFoundException(record.id());
            }
            AttributeValue version = current.get(ItemCodec.VERSION);
            throw new StaleVersionException(record.id(), expected, version == null ? "no version" : "version " + version.n());
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
        LOG.debug("updated canary {} to version {} ({})", stored.id(), stored.version(), stored.status());
        return stored;
    }

    @Override
    public Optional<CanaryRecord> find(CanaryId id) {
        Objects.requireNonNull(id, "id");
        Map<String, AttributeValue> item = getItem(ItemCodec.canaryKey(id));
        return item == null ? Optional.empty() : Optional.of(ItemCodec.canaryRecord(item));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An empty value finds nothing: DynamoDB index keys cannot be empty, so such records are not indexed.
     */
    @Override
    public List<CanaryRecord> findByAccessKeyId(String accessKeyId) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        if (accessKeyId.isEmpty()) {
            return List.of();
        }
        return lookup(BY_ACCESS_KEY, GSI_ACCESS_KEY, accessKeyId, r -> accessKeyId.equals(r.accessKeyId()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An empty value finds nothing: DynamoDB index keys cannot be empty, so such records are not indexed.
     */
    @Override
    public List<CanaryRecord> findByPrincipalName(String principalName) {
        Objects.requireNonNull(principalName, "principalName");
        if (principalName.isEmpty()) {
            return List.of();
        }
        return lookup(BY_PRINCIPAL, GSI_PRINCIPAL, principalName, r -> principalName.equals(r.principal().name()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An empty value finds nothing: DynamoDB index keys cannot be empty, so such records are not indexed.
     */
    @Override
    public List<CanaryRecord> findByAsset(String assetKind, String assetId) {
        Objects.requireNonNull(assetKind, "assetKind");
        Objects.requireNonNull(assetId, "assetId");
        if (assetKind.isEmpty() || assetId.isEmpty()) {
            return List.of();
        }
        return lookup(BY_ASSET, GSI_ASSET, ItemCodec.assetRef(assetKind, assetId),
                r -> r.asset().kind().equals(assetKind) && r.asset().id().equals(assetId));
    }

    private List<CanaryRecord> lookup(String index, String keyAttribute, String value,
                                      Predicate<CanaryRecord> stillMatches) {
        List<CanaryId> ids = new ArrayList<>();
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", keyAttribute))
                .expressionAttributeValues(Map.of(":k", s(value)))
                .build();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(request.toBuilder().exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                ids.add(idOf(item));
            }
            start = lastKey(page);
        } while (start != null);
        Map<CanaryId, CanaryRecord> records = batchGet(ids);
        List<CanaryRecord> out = new ArrayList<>();
        for (CanaryRecord r : records.values()) {
            if (stillMatches.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(CanaryRecord::id));
        LOG.debug("{} lookup found {} canaries", index, out.size());
        return out;
    }

    // ------------------------------------------------------------------------------------------ listing and counting

    @Override
    public Page<CanaryRecord> list(CanaryQuery query) {
        Objects.requireNonNull(query, "query");
        CanaryId after = query.cursor() == null ? null : ListCursor.decode(query.cursor());
        List<RangeReader> readers = plan(query, after);
        List<CanaryId> ids = new ArrayList<>();
        CanaryId last = after;
        while (ids.size() < query.limit()) {
            RangeReader smallest = null;
            CanaryId smallestId = null;
            for (RangeReader r : readers) {
                CanaryId head = r.peek(last);
                if (head != null && (smallestId == null || head.compareTo(smallestId) < 0)) {
                    smallest = r;
                    smallestId = head;
                }
            }
            if (smallest == null) {
                break;
            }
            smallest.poll();
            ids.add(smallestId);
            last = smallestId;
        }
        boolean more = false;
        if (ids.size() == query.limit()) {
            for (RangeReader r : readers) {
                if (r.peek(last) != null) {
                    more = true;
                    break;
                }
            }
        }
        Map<CanaryId, CanaryRecord> records = batchGet(ids);
        List<CanaryRecord> items = new ArrayList<>();
        for (CanaryId id : ids) {
            CanaryRecord r = records.get(id);
            // the index may lag behind the table: keep only records that still pass the filters
            if (r != null && query.matches(r.status(), r.accountId(), r.kind())) {
                items.add(r);
            }
        }
        // more is only set on a full page (limit >= 1), which set last
        return new Page<>(items, more ? ListCursor.encode(Objects.requireNonNull(last, "last")) : null);
    }

    /** The index ranges that hold the canaries a query asks for, each ordered by canary id. */
    private List<RangeReader> plan(CanaryQuery query, @Nullable CanaryId after) {
        int pageSize = Math.min(1000, query.limit() + 1);
        List<RangeReader> readers = new ArrayList<>();
        if (query.accountId() != null) {
            Set<CanaryStatus> wanted = query.statuses().isEmpty() ? EnumSet.allOf(CanaryStatus.class)
                    : EnumSet.copyOf(query.statuses());
            for (boolean live : new boolean[] {true, false}) {
                Set<CanaryStatus> range = live ? LIVE : TERMINAL;
                Set<CanaryStatus> inRange = EnumSet.noneOf(CanaryStatus.class);
                inRange.addAll(range);
                inRange.retainAll(wanted);
                if (inRange.isEmpty()) {
                    continue;
                }
                readers.add(new RangeReader(rangeQuery(BY_ACCOUNT, GSI_ACCOUNT, query.accountId(), GSI_ACCOUNT_SORT,
                        live ? ItemCodec.LIVE_PREFIX : ItemCodec.TERMINAL_PREFIX,
                        inRange.equals(range) ? Set.of() : inRange, query, after, pageSize)));
            }
        } else {
            for (int shard = 0; shard < LIST_SHARDS; shard++) {
                readers.add(new RangeReader(rangeQuery(BY_SHARD, GSI_SHARD, Integer.toString(shard), ID, "",
                        query.statuses(), query, after, pageSize)));
            }
        }
        return readers;
    }

    private QueryRequest rangeQuery(String index, String pkAttribute, String pkValue, String skAttribute,
                                    String skPrefix, Set<CanaryStatus> statusFilter, CanaryQuery query, @Nullable CanaryId after,
                                    int pageSize) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#pk", pkAttribute);
        values.put(":pk", s(pkValue));
        String keyCondition = "#pk = :pk";
        if (after != null) {
            names.put("#sk", skAttribute);
            if (skPrefix.isEmpty()) {
                keyCondition += " AND #sk > :lo";
                values.put(":lo", s(after.value()));
            } else {
                // ids have a fixed length of characters below '~': the cursor's id plus any suffix sorts after the
                // cursor and before every larger id, and prefix + "~" after every id of the range
                keyCondition += " AND #sk BETWEEN :lo AND :hi";
                values.put(":lo", s(skPrefix + after.value() + "!"));
                values.put(":hi", s(skPrefix + "~"));
            }
        } else if (!skPrefix.isEmpty()) {
            names.put("#sk", skAttribute);
            keyCondition += " AND begins_with(#sk, :prefix)";
            values.put(":prefix", s(skPrefix));
        }
        List<String> filters = new ArrayList<>();
        if (!statusFilter.isEmpty()) {
            names.put("#st", ItemCodec.STATUS);
            List<String> placeholders = new ArrayList<>();
            int i = 0;
            for (CanaryStatus status : EnumSet.copyOf(statusFilter)) {
                String p = ":s" + i++;
                placeholders.add(p);
                values.put(p, s(status.name()));
            }
            filters.add("#st IN (" + String.join(", ", placeholders) + ")");
        }
        if (query.kind() != null) {
            names.put("#kd", ItemCodec.KIND);
            values.put(":kd", s(query.kind().name()));
            filters.add("#kd = :kd");
        }
        QueryRequest.Builder b = QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression(keyCondition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .limit(pageSize);
        if (!filters.isEmpty()) {
            b.filterExpression(String.join(" AND ", filters));
        }
        return b.build();
    }

    /** Reads one index range page by page (1 MB or {@code Limit} items each), in canary-id order. */
    private final class RangeReader {
        private final QueryRequest request;
        private final ArrayDeque<CanaryId> buffer = new ArrayDeque<>();
        private @Nullable Map<String, AttributeValue> start;
        private boolean done;

        RangeReader(QueryRequest request) {
            this.request = request;
        }

        /** The next id above {@code floor}, fetching pages as needed; {@code null} when the range is exhausted. */
        @Nullable CanaryId peek(@Nullable CanaryId floor) {
            while (true) {
                while (!buffer.isEmpty() && floor != null && buffer.peekFirst().compareTo(floor) <= 0) {
                    buffer.pollFirst();
                }
                if (!buffer.isEmpty() || done) {
                    return buffer.peekFirst();
                }
                QueryResponse page = query(request.toBuilder().exclusiveStartKey(start).build());
                for (Map<String, AttributeValue> item : page.items()) {
                    buffer.addLast(idOf(item));
                }
                start = lastKey(page);
                done = start == null;
            }
        }

        void poll() {
            buffer.pollFirst();
        }
    }

    @Override
    public long countLive(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(BY_ACCOUNT)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :live)")
                .expressionAttributeNames(Map.of("#pk", GSI_ACCOUNT, "#sk", GSI_ACCOUNT_SORT))
                .expressionAttributeValues(Map.of(":pk", s(accountId), ":live", s(ItemCodec.LIVE_PREFIX)))
                .select(Select.COUNT)
                .build();
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(request.toBuilder().exclusiveStartKey(start).build());
            count += page.count() == null ? 0 : page.count();
            start = lastKey(page);
        } while (start != null);
        return count;
    }

    // ------------------------------------------------------------------------------------------ sightings

    /**
     * {@inheritDoc}
     *
     * <p>Two conditional writes, in this order:
     * <ol>
     *   <li>the event item {@code E#<source, event id>} (put if absent), which makes the pair unique across the whole
     *       table and holds a copy of the sighting;</li>
     *   <li>the sighting item under the canary's partition (put if absent).</li>
     * </ol>
     * The call that creates the sighting item returns true. If a call dies between the two writes, its retry finds
     * the event item holding the same sighting, writes the missing sighting item and returns true: a half-written
     * sighting is completed, never reported as a duplicate. Racing calls with the same sighting write the sighting
     * item at most once, so exactly one returns true. A call whose event is already taken by a <em>different</em>
     * sighting (the same event matched to another canary) writes nothing and returns false.
     *
     * @throws io.canarykit.CanaryConfigurationException if the sighting would exceed DynamoDB's item or key limits
     */
    @Override
    public boolean addSighting(Sighting sighting) {
        Objects.requireNonNull(sighting, "sighting");
        if (sighting.canaryId() == null) {
            throw new IllegalArgumentException("sighting " + sighting.source() + "/" + sighting.sourceEventId()
                    + " is not matched to a canary: set its canaryId before storing it");
        }
        var now = clock.instant();
        Map<String, AttributeValue> event = ItemCodec.eventItem(sighting, now);
        Map<String, AttributeValue> sightingItem = ItemCodec.sightingItem(sighting, now);
        String what = "sighting " + sighting.source() + "/" + sighting.sourceEventId();
        ItemSize.check(what, event);
        ItemSize.check(what, sightingItem);
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(event)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> taken = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : getItem(ItemCodec.eventItemKey(sighting));
            if (taken == null || !ItemCodec.sighting(taken).equals(sighting)) {
                LOG.debug("{} is already stored", what);
                return false;
            }
            // the same sighting: complete it if the call that took the event did not get to write the sighting item
            sightingItem = sightingItemFromEvent(taken);
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(sightingItem)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            LOG.debug("{} is already stored", what);
            return false;
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
        LOG.debug("stored {} of canary {}", what, sighting.canaryId());
        return true;
    }

    /** The sighting item exactly as the call that took the event would have written it. */
    private static Map<String, AttributeValue> sightingItemFromEvent(Map<String, AttributeValue> event) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(PK, s(ItemCodec.canaryPk(new CanaryId(Objects.requireNonNull(event.get(CANARY_ID), CANARY_ID).s()))));
        item.put(SK, event.get(SIGHTING_KEY));
        item.put(TYPE, s(ItemCodec.TYPE_SIGHTING));
        event.forEach((k, v) -> {
            if (!k.equals(PK) && !k.equals(SK) && !k.equals(TYPE) && !k.equals(SIGHTING_KEY)) {
                item.put(k, v);
            }
        });
        return item;
    }

    @Override
    public List<Sighting> sightings(CanaryId id) {
        Objects.requireNonNull(id, "id");
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :s)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(ItemCodec.canaryPk(id)), ":s", s(ItemCodec.SIGHTING_SK_PREFIX)))
                .build();
        List<Sighting> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = query(request.toBuilder().exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(ItemCodec.sighting(item));
            }
            start = lastKey(page);
        } while (start != null);
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------------------------------ checkpoints

    @Override
    public Optional<String> checkpoint(String key) {
        Objects.requireNonNull(key, "key");
        Map<String, AttributeValue> item = getItem(ItemCodec.checkpointKey(key));
        if (item == null) {
            return Optional.empty();
        }
        AttributeValue value = item.get(ItemCodec.VALUE);
        if (value == null || value.s() == null) {
            throw new CanaryStoreException("DynamoDB item K#" + key + " has no string 'value'; was it written by"
                    + " something other than canarykit?", false);
        }
        return Optional.of(value.s());
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.canarykit.CanaryConfigurationException if the key or value exceeds DynamoDB's limits
     */
    @Override
    public void saveCheckpoint(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, AttributeValue> item = ItemCodec.checkpointItem(key, value, clock.instant());
        ItemSize.check("checkpoint " + key, item);
        try {
            client.putItem(r -> r.tableName(table).item(item));
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
        LOG.debug("saved checkpoint {}", key);
    }

    // ------------------------------------------------------------------------------------------ conditional entries

    @Override
    public Optional<StoreEntry> entry(String key) {
        StoreEntry.checkKey(key);
        Map<String, AttributeValue> item = getItem(ItemCodec.entryKey(key));
        return item == null ? Optional.empty() : Optional.of(ItemCodec.entry(item));
    }

    @Override
    public boolean putEntryIfAbsent(StoreEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Map<String, AttributeValue> item = ItemCodec.entryItem(entry, clock.instant());
        ItemSize.check("entry " + entry.key(), item);
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
    }

    @Override
    public boolean replaceEntry(String expectedValue, StoreEntry replacement) {
        Objects.requireNonNull(expectedValue, "expectedValue");
        Objects.requireNonNull(replacement, "replacement");
        Map<String, AttributeValue> item = ItemCodec.entryItem(replacement, clock.instant());
        ItemSize.check("entry " + replacement.key(), item);
        try {
            client.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("#v = :expected")
                    .expressionAttributeNames(Map.of("#v", ItemCodec.VALUE))
                    .expressionAttributeValues(Map.of(":expected", s(expectedValue)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw Errors.translate("PutItem", table, e);
        }
    }

    @Override
    public boolean deleteEntry(String key, String expectedValue) {
        StoreEntry.checkKey(key);
        Objects.requireNonNull(expectedValue, "expectedValue");
        try {
            client.deleteItem(DeleteItemRequest.builder().tableName(table).key(ItemCodec.entryKey(key))
                    .conditionExpression("#v = :expected")
                    .expressionAttributeNames(Map.of("#v", ItemCodec.VALUE))
                    .expressionAttributeValues(Map.of(":expected", s(expectedValue)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw Errors.translate("DeleteItem", table, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A filtered {@code Scan} of the whole table (it reads every item: prefer DynamoDB TTL on large tables), then
     * one {@code DeleteItem} per expired entry, on condition that it is still expired.
     */
    @Override
    public int purgeExpiredEntries(Instant now) {
        Objects.requireNonNull(now, "now");
        AttributeValue cutoff = ItemCodec.n(now.toEpochMilli());
        ScanRequest request = ScanRequest.builder().tableName(table)
                .filterExpression("#t = :entry AND #e <= :now")
                .projectionExpression("#pk, #sk")
                .expressionAttributeNames(Map.of("#t", TYPE, "#e", ItemCodec.EXPIRES_AT_MILLIS, "#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":entry", s(ItemCodec.TYPE_ENTRY), ":now", cutoff))
                .build();
        int purged = 0;
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page;
            try {
                page = client.scan(request.toBuilder().exclusiveStartKey(start).build());
            } catch (SdkException e) {
                throw Errors.translate("Scan", table, e);
            }
            for (Map<String, AttributeValue> key : page.items()) {
                try {
                    client.deleteItem(DeleteItemRequest.builder().tableName(table).key(key)
                            .conditionExpression("#e <= :now")
                            .expressionAttributeNames(Map.of("#e", ItemCodec.EXPIRES_AT_MILLIS))
                            .expressionAttributeValues(Map.of(":now", cutoff))
                            .build());
                    purged++;
                } catch (ConditionalCheckFailedException e) {
                    // renewed or replaced since the scan read it: keep it
                } catch (SdkException e) {
                    throw Errors.translate("DeleteItem", table, e);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        LOG.debug("purged {} expired entries from {}", purged, table);
        return purged;
    }

    // ------------------------------------------------------------------------------------------ plumbing

    /** A strongly consistent read of one item, or {@code null}. */
    private @Nullable Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
        GetItemResponse response;
        try {
            response = client.getItem(r -> r.tableName(table).key(key).consistentRead(true));
        } catch (SdkException e) {
            throw Errors.translate("GetItem", table, e);
        }
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    private QueryResponse query(QueryRequest request) {
        try {
            return client.query(request);
        } catch (SdkException e) {
            throw Errors.translate("Query", table, e);
        }
    }

    /** Strongly consistent reads of canary records, 100 keys a call, retrying unprocessed keys with backoff. */
    private Map<CanaryId, CanaryRecord> batchGet(List<CanaryId> ids) {
        Map<CanaryId, CanaryRecord> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH_GET_MAX) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (CanaryId id : ids.subList(from, Math.min(ids.size(), from + BATCH_GET_MAX))) {
                keys.add(ItemCodec.canaryKey(id));
            }
            Map<String, KeysAndAttributes> pending = Map.of(table,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == BATCH_GET_ROUNDS) {
                    throw new CanaryStoreException("DynamoDB BatchGetItem on table " + table + " left keys unprocessed "
                            + BATCH_GET_ROUNDS + " times: the table is throttled; try again with backoff", true);
                }
                if (round > 0) {
                    backoff(round);
                }
                BatchGetItemResponse response;
                Map<String, KeysAndAttributes> request = pending;
                try {
                    response = client.batchGetItem(r -> r.requestItems(request));
                } catch (SdkException e) {
                    throw Errors.translate("BatchGetItem", table, e);
                }
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    CanaryRecord r = ItemCodec.canaryRecord(item);
                    out.put(r.id(), r);
                }
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return out;
    }

    private static void backoff(int round) {
        long millis = Math.min(1000, 10L << Math.min(round, 7));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryStoreException("interrupted while retrying a DynamoDB BatchGetItem", true, e);
        }
    }

    private static Set<CanaryStatus> statuses(boolean live) {
        Set<CanaryStatus> out = EnumSet.noneOf(CanaryStatus.class);
        for (CanaryStatus s : CanaryStatus.values()) {
            if (s.isLive() == live) {
                out.add(s);
            }
        }
        return out;
    }

    private static CanaryId idOf(Map<String, AttributeValue> indexItem) {
        // an index query returns the table's key attributes with every item
        return new CanaryId(Objects.requireNonNull(indexItem.get(PK), PK).s().substring(2));
    }

    private static @Nullable Map<String, AttributeValue> lastKey(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }

    /** Closes the DynamoDB client only if this store created it (the provider does); a caller's client stays open. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "DynamoDbCanaryStore[table=" + table + "]";
    }

    /**
     * Builds a {@link DynamoDbCanaryStore}. Not thread-safe; the store it builds is.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable DynamoDbClient client;
        private @Nullable String tableName;
        private Clock clock = Clock.systemUTC();
        private @Nullable Duration ttlRetention = DEFAULT_TTL_RETENTION;
        private boolean ownsClient;

        private Builder() {
        }

        /** The client to use (required). The store never closes it. */
        public Builder client(DynamoDbClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The table name (required); create it with {@link DynamoDbCanaryTable#createTableIfMissing}. */
        public Builder tableName(String tableName) {
            DynamoDbCanaryTable.requireTableName(tableName);
            this.tableName = tableName;
            return this;
        }

        /** The clock for the {@code updatedAt} / {@code storedAt} attributes; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long after its expiry a short-term canary that was never triggered may be deleted by DynamoDB TTL
         * (30 days by default). Keep it longer than CloudTrail's delivery delay and your investigations need.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder timeToLiveRetention(Duration retention) {
            Objects.requireNonNull(retention, "retention");
            if (retention.isNegative()) {
                throw new IllegalArgumentException("TTL retention must not be negative, was " + retention);
            }
            this.ttlRetention = retention;
            return this;
        }

        /** Writes no TTL attribute at all: records are kept until deleted by hand. */
        public Builder noTimeToLive() {
            this.ttlRetention = null;
            return this;
        }

        Builder ownsClient(boolean owns) {
            this.ownsClient = owns;
            return this;
        }

        /**
         * The store.
         *
         * @throws io.canarykit.CanaryConfigurationException if the client or the table name is missing
         */
        public DynamoDbCanaryStore build() {
            if (client == null) {
                throw new io.canarykit.CanaryConfigurationException(
                        "DynamoDbCanaryStore needs a DynamoDbClient: call client(...) on the builder");
            }
            if (tableName == null) {
                throw new io.canarykit.CanaryConfigurationException(
                        "DynamoDbCanaryStore needs a table name: call tableName(...) on the builder");
            }
            return new DynamoDbCanaryStore(this);
        }
    }
}
