package io.canarykit.alert;

import io.canarykit.config.ComponentProvider;

/** Finds an {@link AlertSink} by name ({@code logging}, {@code webhook}, {@code jsonl-file}) through ServiceLoader. */
public interface AlertSinkProvider extends ComponentProvider<AlertSink> {
}
