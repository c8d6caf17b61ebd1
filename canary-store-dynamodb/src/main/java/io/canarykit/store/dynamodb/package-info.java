/**
 * A {@link io.canarykit.store.CanaryStore} on Amazon DynamoDB: {@link io.canarykit.store.dynamodb.DynamoDbCanaryStore}
 * (built by hand with the caller's client, or by the {@code dynamodb} provider
 * {@link io.canarykit.store.dynamodb.DynamoDbCanaryStoreProvider}), and the single-table layout with its helpers in
 * {@link io.canarykit.store.dynamodb.DynamoDbCanaryTable}.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.store.dynamodb;

import org.jspecify.annotations.NullMarked;
