package io.canarykit.alert;

import io.canarykit.config.ComponentProvider;

/**
 * Finds an {@link AlertSink} by name ({@code logging}, {@code webhook}, {@code jsonl-file}) through ServiceLoader.
 *
 * @since 0.1.0
 */
public interface AlertSinkProvider extends ComponentProvider<AlertSink> {
}
