/**
 * Alerts: the {@link io.canarykit.alert.AlertSink} plug-in point and the built-in sinks, routing, suppression and
 * the shared delivery (retries, backoff, spool).
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 *
 * @since 0.1.0
 */
@NullMarked
package io.canarykit.alert;

import org.jspecify.annotations.NullMarked;
