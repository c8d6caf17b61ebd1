/**
 * An SQS server for tests: EmbeddedSqs runs ElasticMQ on a free port on 127.0.0.1, creates queues and hands out SDK
 * clients.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.testkit.sqs;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
