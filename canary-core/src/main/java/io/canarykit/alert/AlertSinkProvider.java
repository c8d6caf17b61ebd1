package io.canarykit.alert;

import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ComponentProvider;
import io.canarykit.metrics.MetricsListener;

/** Finds an {@link AlertSink} by name ({@code logging}, {@code webhook}, {@code jsonl-file}) through ServiceLoader. */
public interface AlertSinkProvider extends ComponentProvider<AlertSink> {

    /**
     * Builds the sink, reporting its retries and spooled alerts to {@code metrics}
     * ({@link MetricsListener#alertDelivery}). The default ignores the listener ({@link #create(CanaryConfig)}): the
     * detection engine still reports what it sees (sent, failed).
     *
     * @throws io.canarykit.CanaryConfigurationException if the configuration is incomplete or wrong
     */
    default AlertSink create(CanaryConfig config, MetricsListener metrics) {
        return create(config);
    }
}
