/**
 * What canarykit reports for metrics, without depending on a metrics library: {@link
 * io.canarykit.metrics.MetricsListener} and the values it passes. {@code canary-server} binds it to Micrometer.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.metrics;

import org.jspecify.annotations.NullMarked;
