package io.canarykit.detect;

import io.canarykit.Alert;
import io.canarykit.alert.AlertSink;

import java.util.ArrayList;
import java.util.List;

/** Keeps the alerts it receives; can be told to fail. */
final class RecordingSink implements AlertSink {
    final List<Alert> alerts = new ArrayList<>();
    int failuresLeft;

    @Override
    public void send(Alert alert) {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new IllegalStateException("sink down");
        }
        alerts.add(alert);
    }

    @Override
    public String toString() {
        return "RecordingSink";
    }
}
