/**
 * canarykit's DynamoDB store: the {@code dynamodb} {@code CanaryStore} (one table) over the caller's
 * {@code DynamoDbClient}.
 *
 * <p>{@code io.canarykit.store.dynamodb} is the API. Its builder takes a {@code DynamoDbClient}, so the SDK's DynamoDB
 * module is read transitively.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.canarykit.store.dynamodb {
    requires transitive io.canarykit.core;
    requires transitive software.amazon.awssdk.services.dynamodb;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.regions;
    requires static org.jspecify;

    exports io.canarykit.store.dynamodb;

    provides io.canarykit.store.CanaryStoreProvider with
            io.canarykit.store.dynamodb.DynamoDbCanaryStoreProvider;
}
