package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.store.CanaryStoreException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The layout of the single DynamoDB table a {@link DynamoDbCanaryStore} uses, and helpers that create it.
 *
 * <h2>Keys and items</h2>
 * The table has a string partition key {@value #PK} and a string sort key {@value #SK}; every item carries a
 * {@value #TYPE} attribute saying what it is:
 * <table>
 *   <caption>item types</caption>
 *   <tr><th>{@code type}</th><th>{@code pk}</th><th>{@code sk}</th><th>what</th></tr>
 *   <tr><td>{@code canary}</td><td>{@code C#<canary id>}</td><td>{@code C}</td><td>one canary record, with its
 *       version, and the secondary index keys below</td></tr>
 *   <tr><td>{@code sighting}</td><td>{@code C#<canary id>}</td><td>{@code S#<time>#<event key>}</td><td>a sighting,
 *       under its canary's partition, so that one strongly consistent query returns a canary's sightings in time
 *       order</td></tr>
 *   <tr><td>{@code event}</td><td>{@code E#<event key>}</td><td>{@code E}</td><td>the uniqueness item of a
 *       {@code (source, source event id)}: the first conditional put wins, across the whole table</td></tr>
 *   <tr><td>{@code checkpoint}</td><td>{@code K#<key>}</td><td>{@code K}</td><td>a detector's checkpoint</td></tr>
 * </table>
 * The event key is {@code <length of source>:<source>#<event id>}, or {@code H#<SHA-256>} when that is longer than
 * 512 bytes.
 *
 * <h2>Global secondary indexes</h2>
 * Only canary items carry the index key attributes, so sightings, events and checkpoints appear in no index.
 * <ul>
 *   <li>{@value #BY_ACCESS_KEY}: {@value #GSI_ACCESS_KEY} (the access key id) / {@value #ID}, keys only. Sparse: a
 *       pending canary has no key yet.</li>
 *   <li>{@value #BY_PRINCIPAL}: {@value #GSI_PRINCIPAL} (the principal name) / {@value #ID}, keys only.</li>
 *   <li>{@value #BY_ASSET}: {@value #GSI_ASSET} ({@code <asset kind>#<asset id>}) / {@value #ID}, keys only.</li>
 *   <li>{@value #BY_ACCOUNT}: {@value #GSI_ACCOUNT} (the account id) / {@value #GSI_ACCOUNT_SORT}
 *       ({@code L#<id>} while the canary is live, {@code T#<id>} once it is terminal), with {@code status} and
 *       {@code kind} projected. Live canaries of an account form one contiguous key range, which is how
 *       {@link DynamoDbCanaryStore#countLive} counts without reading terminal canaries.</li>
 *   <li>{@value #BY_SHARD}: {@value #GSI_SHARD} (one of {@value #LIST_SHARDS} write shards, derived from the id) /
 *       {@value #ID}, with {@code status} and {@code kind} projected: listing every canary in id order merges the
 *       shards, and no single index partition takes every write.</li>
 * </ul>
 * Reads from the indexes are eventually consistent on DynamoDB; the store re-reads every record it found through an
 * index with a strongly consistent {@code BatchGetItem}, so a returned record is always current (see
 * {@link DynamoDbCanaryStore}).
 *
 * <h2>Time to live</h2>
 * Canary items of short-term canaries that have not been triggered carry {@value #TTL} (epoch seconds): their
 * expiry plus a retention period. Enable DynamoDB TTL on that attribute ({@link #enableTimeToLive}) to have them
 * deleted. Sightings, events and checkpoints never expire.
 *
 * <p>The same definition for CloudFormation and Terraform is in the module's {@code TABLE.md}.
 *
 * @since 0.1.0
 */
public final class DynamoDbCanaryTable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCanaryTable.class);
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

    /** The partition key attribute. */
    public static final String PK = "pk";
    /** The sort key attribute. */
    public static final String SK = "sk";
    /** What an item is: {@code canary}, {@code sighting}, {@code event} or {@code checkpoint}. */
    public static final String TYPE = "type";
    /** The canary id of a canary item: the sort key of most indexes. */
    public static final String ID = "id";
    /** Index partition key: the access key id. */
    public static final String GSI_ACCESS_KEY = "gsiAccessKey";
    /** Index partition key: the principal name. */
    public static final String GSI_PRINCIPAL = "gsiPrincipal";
    /** Index partition key: {@code <asset kind>#<asset id>}. */
    public static final String GSI_ASSET = "gsiAsset";
    /** Index partition key: the account id. */
    public static final String GSI_ACCOUNT = "gsiAccount";
    /** Index sort key: {@code L#<id>} for live canaries, {@code T#<id>} for terminal ones. */
    public static final String GSI_ACCOUNT_SORT = "gsiAccountSort";
    /** Index partition key: the listing shard, {@code 0} to {@code LIST_SHARDS - 1}. */
    public static final String GSI_SHARD = "gsiShard";
    /** The time-to-live attribute (epoch seconds). */
    public static final String TTL = "ttl";

    /** Index of canaries by access key id. */
    public static final String BY_ACCESS_KEY = "byAccessKey";
    /** Index of canaries by principal name. */
    public static final String BY_PRINCIPAL = "byPrincipal";
    /** Index of canaries by asset. */
    public static final String BY_ASSET = "byAsset";
    /** Index of canaries by account, live ones first. */
    public static final String BY_ACCOUNT = "byAccount";
    /** Index of every canary, in write shards. */
    public static final String BY_SHARD = "byShard";
    /** How many write shards {@link #BY_SHARD} has. Part of the layout: every client of a table must agree. */
    public static final int LIST_SHARDS = 4;

    /** Default time between two {@code DescribeTable} calls while waiting for a table. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);
    /** Default limit on waiting for a table to become active. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private DynamoDbCanaryTable() {
    }

    /**
     * The {@code CreateTable} request for the layout above, with on-demand billing.
     *
     * @param tableName the table name (3-255 of {@code [A-Za-z0-9_.-]})
     * @throws CanaryConfigurationException if the name is not a valid table name
     */
    public static CreateTableRequest createTableRequest(String tableName) {
        requireTableName(tableName);
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PK), string(SK), string(ID), string(GSI_ACCESS_KEY), string(GSI_PRINCIPAL),
                        string(GSI_ASSET), string(GSI_ACCOUNT), string(GSI_ACCOUNT_SORT), string(GSI_SHARD))
                .keySchema(hash(PK), range(SK))
                .globalSecondaryIndexes(
                        index(BY_ACCESS_KEY, GSI_ACCESS_KEY, ID, keysOnly()),
                        index(BY_PRINCIPAL, GSI_PRINCIPAL, ID, keysOnly()),
                        index(BY_ASSET, GSI_ASSET, ID, keysOnly()),
                        index(BY_ACCOUNT, GSI_ACCOUNT, GSI_ACCOUNT_SORT, include(ItemCodec.STATUS, ItemCodec.KIND)),
                        index(BY_SHARD, GSI_SHARD, ID, include(ItemCodec.STATUS, ItemCodec.KIND)))
                .build();
    }

    /**
     * Creates the table if it does not exist, then waits until it and its indexes are active, polling
     * {@code DescribeTable} every 50 ms (not the SDK waiter, whose first delay is 20 s) for at most 10 minutes. An
     * existing table is checked against the layout.
     *
     * @return true if this call created the table
     * @throws CanaryConfigurationException if an existing table has another key schema or lacks an index
     * @throws CanaryStoreException         if DynamoDB fails, or the table is not active in time (retryable)
     */
    public static boolean createTableIfMissing(DynamoDbClient client, String tableName) {
        return createTableIfMissing(client, tableName, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT);
    }

    /**
     * {@link #createTableIfMissing(DynamoDbClient, String)} with another poll interval and time limit.
     *
     * @return true if this call created the table
     */
    public static boolean createTableIfMissing(DynamoDbClient client, String tableName, Duration pollInterval,
                                               Duration timeout) {
        Objects.requireNonNull(client, "client");
        requireTableName(tableName);
        requirePositive(pollInterval, "pollInterval");
        requirePositive(timeout, "timeout");
        boolean created = false;
        TableDescription table = describe(client, tableName);
        if (table == null) {
            try {
                client.createTable(createTableRequest(tableName));
                created = true;
                LOG.debug("created DynamoDB table {}", tableName);
            } catch (ResourceInUseException e) {
                LOG.debug("table {} was created concurrently", tableName);
            } catch (SdkException e) {
                throw Errors.translate("CreateTable", tableName, e);
            }
        } else {
            checkLayout(table);
        }
        awaitActive(client, tableName, pollInterval, timeout);
        return created;
    }

    /**
     * Turns on DynamoDB time to live on the {@value #TTL} attribute, unless it is already on.
     *
     * @return true if this call turned it on
     * @throws CanaryConfigurationException if TTL is already on for another attribute
     * @throws CanaryStoreException         if DynamoDB fails
     */
    public static boolean enableTimeToLive(DynamoDbClient client, String tableName) {
        Objects.requireNonNull(client, "client");
        requireTableName(tableName);
        DescribeTimeToLiveResponse current;
        try {
            current = client.describeTimeToLive(r -> r.tableName(tableName));
        } catch (SdkException e) {
            throw Errors.translate("DescribeTimeToLive", tableName, e);
        }
        var description = current.timeToLiveDescription();
        TimeToLiveStatus status = description == null ? null : description.timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            if (!TTL.equals(description.attributeName())) {
                throw new CanaryConfigurationException("table " + tableName + " already has time to live on attribute '"
                        + description.attributeName() + "', not '" + TTL + "': DynamoDB allows one TTL attribute per table;"
                        + " disable it first or use another table");
            }
            return false;
        }
        try {
            client.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(s -> s.attributeName(TTL).enabled(true)));
        } catch (SdkException e) {
            throw Errors.translate("UpdateTimeToLive", tableName, e);
        }
        LOG.debug("enabled time to live on {}.{}", tableName, TTL);
        return true;
    }

    static void requireTableName(String tableName) {
        if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
            throw new CanaryConfigurationException("invalid DynamoDB table name '" + tableName
                    + "': use 3-255 letters, digits, '_', '-' or '.'");
        }
    }

    private static @Nullable TableDescription describe(DynamoDbClient client, String tableName) {
        try {
            return client.describeTable(r -> r.tableName(tableName)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        } catch (SdkException e) {
            throw Errors.translate("DescribeTable", tableName, e);
        }
    }

    private static void awaitActive(DynamoDbClient client, String tableName, Duration pollInterval, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TableDescription table = describe(client, tableName);
            if (table != null && table.tableStatus() == TableStatus.ACTIVE && indexesActive(table)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CanaryStoreException("DynamoDB table " + tableName + " is not active after " + timeout
                        + " (status " + (table == null ? "missing" : table.tableStatusAsString())
                        + "); try again later", true);
            }
            try {
                Thread.sleep(pollInterval.toMillis(), (int) (pollInterval.toNanos() % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CanaryStoreException("interrupted while waiting for DynamoDB table " + tableName, true, e);
            }
        }
    }

    private static boolean indexesActive(TableDescription table) {
        for (GlobalSecondaryIndexDescription gsi : table.globalSecondaryIndexes()) {
            if (gsi.indexStatus() != null && gsi.indexStatus() != IndexStatus.ACTIVE) {
                return false;
            }
        }
        return true;
    }

    private static void checkLayout(TableDescription table) {
        List<String> problems = new ArrayList<>();
        Map<String, KeyType> keys = new HashMap<>();
        table.keySchema().forEach(k -> keys.put(k.attributeName(), k.keyType()));
        if (keys.size() != 2 || keys.get(PK) != KeyType.HASH || keys.get(SK) != KeyType.RANGE) {
            problems.add("its key schema is " + keys + ", expected {" + PK + "=HASH, " + SK + "=RANGE}");
        }
        Map<String, GlobalSecondaryIndexDescription> have = new HashMap<>();
        table.globalSecondaryIndexes().forEach(g -> have.put(g.indexName(), g));
        for (GlobalSecondaryIndex wanted : createTableRequest(table.tableName()).globalSecondaryIndexes()) {
            GlobalSecondaryIndexDescription found = have.get(wanted.indexName());
            if (found == null) {
                problems.add("index " + wanted.indexName() + " is missing");
            } else if (!found.keySchema().equals(wanted.keySchema())) {
                problems.add("index " + wanted.indexName() + " has key schema " + found.keySchema());
            }
        }
        if (!problems.isEmpty()) {
            throw new CanaryConfigurationException("DynamoDB table " + table.tableName()
                    + " exists but does not have the canarykit layout: " + String.join("; ", problems)
                    + ". Use another table name, or recreate the table from canary-store-dynamodb/TABLE.md");
        }
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }

    private static Projection keysOnly() {
        return Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build();
    }

    private static Projection include(String... attributes) {
        return Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(attributes).build();
    }

    private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey, Projection projection) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(hash(hashKey), range(rangeKey))
                .projection(projection).build();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
