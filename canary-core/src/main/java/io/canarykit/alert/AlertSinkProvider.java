package io.canarykit.alert;

import io.canarykit.config.ComponentProvider;
import io.canarykit.config.PlugInPoint;

/**
 * Finds an {@link AlertSink} by name ({@code logging}, {@code webhook}, {@code jsonl-file}) through ServiceLoader.
 * Its providers read {@code canary.alert.<name>.*}.
 *
 * @since 0.1.0
 */
@PlugInPoint("alert")
public interface AlertSinkProvider extends ComponentProvider<AlertSink> {
}
