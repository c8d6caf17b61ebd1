/**
 * What canarykit reports for metrics, without depending on a metrics library: {@link
 * io.canarykit.metrics.MetricsListener} and the values it passes. {@code canary-server} binds it to Micrometer.
 */
package io.canarykit.metrics;
