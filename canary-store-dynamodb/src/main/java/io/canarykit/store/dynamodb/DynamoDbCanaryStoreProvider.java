package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Provider {@code dynamodb}: a {@link DynamoDbCanaryStore} with a DynamoDB client built from its keys
 * ({@code canary.store.dynamodb.*}, handed over without that prefix). The store
 * owns that client and closes it on {@link CanaryStore#close()}. To use your own client, build the store with
 * {@link DynamoDbCanaryStore#builder()} instead.
 *
 * <table>
 *   <caption>configuration</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code canary.store.dynamodb.table}</td><td>table name</td><td>{@code canarykit}</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.region}</td><td>AWS region, such as {@code eu-west-1}</td>
 *       <td>the SDK's region chain ({@code AWS_REGION}, profile)</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.endpoint}</td><td>endpoint URL, for DynamoDB-compatible servers or VPC
 *       endpoints</td><td>the region's endpoint</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.profile}</td><td>named profile of the shared AWS config files for
 *       credentials</td><td>the SDK's default credentials chain</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.create-table}</td><td>create the table (on-demand) if it is missing</td>
 *       <td>{@code false}</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.ttl}</td><td>write the TTL attribute on short-term canaries</td>
 *       <td>{@code true}</td></tr>
 *   <tr><td>{@code canary.store.dynamodb.ttl-retention}</td><td>time after expiry before TTL may delete a
 *       short-term canary that was never triggered</td><td>{@code 30d}</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class DynamoDbCanaryStoreProvider implements CanaryStoreProvider {
    /** Where the keys live in the whole configuration (for messages). */
    public static final String PREFIX = "canary.store.dynamodb.";
    /** The table name used when none is configured. */
    public static final String DEFAULT_TABLE = "canarykit";

    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("table", "the table name").withDefault(DEFAULT_TABLE),
            ConfigKey.string("region", "the AWS region, such as eu-west-1 (default: the SDK's region chain)"),
            ConfigKey.url("endpoint", "an endpoint URL, for DynamoDB-compatible servers or VPC endpoints"),
            ConfigKey.string("profile", "a named profile of the shared AWS files for credentials (default: the SDK's"
                    + " chain)"),
            ConfigKey.bool("create-table", "create the table (on-demand) if it is missing").withDefault("false"),
            ConfigKey.bool("ttl", "write the TTL attribute on short-term canaries").withDefault("true"),
            ConfigKey.duration("ttl-retention", "time after expiry before TTL may delete a never-triggered short-term"
                    + " canary").withDefault("30d"));

    /** Used by ServiceLoader. */
    public DynamoDbCanaryStoreProvider() {
    }

    @Override
    public String name() {
        return "dynamodb";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    /**
     * Builds the store, and the table too when {@code create-table} is true.
     *
     * @throws CanaryConfigurationException if a value is malformed, or no region is configured or found
     */
    @Override
    public CanaryStore create(CanaryConfig config) {
        String table = config.getString("table", DEFAULT_TABLE);
        DynamoDbCanaryTable.requireTableName(table);
        boolean createTable = config.getBoolean("create-table", false);
        boolean ttl = config.getBoolean("ttl", true);
        Duration retention = config.getDuration("ttl-retention", DynamoDbCanaryStore.DEFAULT_TTL_RETENTION);
        DynamoDbClient client = client(config);
        try {
            if (createTable) {
                DynamoDbCanaryTable.createTableIfMissing(client, table);
            }
            DynamoDbCanaryStore.Builder builder = DynamoDbCanaryStore.builder().client(client).tableName(table)
                    .ownsClient(true);
            if (ttl) {
                builder.timeToLiveRetention(retention);
            } else {
                builder.noTimeToLive();
            }
            return builder.build();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    static DynamoDbClient client(CanaryConfig config) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        String region = config.getString("region");
        if (region != null) {
            if (!region.matches("[a-z]{2,}(-[a-z0-9]+)+")) {
                throw new CanaryConfigurationException("configuration property " + PREFIX + "region: '" + region
                        + "' is not an AWS region; expected a region code such as us-east-1 or eu-west-1");
            }
            builder.region(Region.of(region));
        }
        String endpoint = config.getString("endpoint");
        if (endpoint != null) {
            builder.endpointOverride(endpoint(endpoint));
        }
        String profile = config.getString("profile");
        builder.credentialsProvider(profile != null ? ProfileCredentialsProvider.create(profile)
                : DefaultCredentialsProvider.builder().build());
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new CanaryConfigurationException("cannot build the DynamoDB client: " + e.getMessage()
                    + ". Set " + PREFIX + "region (or AWS_REGION)", e);
        }
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new CanaryConfigurationException("configuration property " + PREFIX + "endpoint: '" + value
                + "' is not valid; expected an http(s) URL such as https://dynamodb.eu-west-1.amazonaws.com"
                + " or http://localhost:8000");
    }
}
