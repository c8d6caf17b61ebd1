/**
 * Alert sinks on AWS services: {@code sns} (Publish to a topic) and {@code eventbridge} (PutEvents on a bus), both on
 * core's shared {@link io.canarykit.alert.Delivery} (retries, backoff, spool).
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.aws.alert;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
