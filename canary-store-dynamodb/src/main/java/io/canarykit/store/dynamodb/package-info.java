/**
 * A {@link io.canarykit.store.CanaryStore} on Amazon DynamoDB: {@link io.canarykit.store.dynamodb.DynamoDbCanaryStore}
 * (built by hand with the caller's client, or by the {@code dynamodb} provider
 * {@link io.canarykit.store.dynamodb.DynamoDbCanaryStoreProvider}), and the single-table layout with its helpers in
 * {@link io.canarykit.store.dynamodb.DynamoDbCanaryTable}.
 *
 * <p>Everything is non-null unless documented otherwise.
 */
package io.canarykit.store.dynamodb;
