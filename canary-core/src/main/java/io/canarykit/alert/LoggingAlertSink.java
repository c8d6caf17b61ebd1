package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.CanaryRecord;
import io.canarykit.RunPhase;
import io.canarykit.Sighting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes each alert as one WARN line to the slf4j logger {@code io.canarykit.alert} (provider {@code logging}).
 * Alerts carry no secret, so nothing secret can reach the log.
 *
 * @since 0.1.0
 */
public final class LoggingAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger("io.canarykit.alert");

    /** A sink that logs to {@code io.canarykit.alert}. */
    public static LoggingAlertSink create() {
        return new LoggingAlertSink();
    }

    @Override
    public void send(Alert alert) {
        LOG.warn("{}", format(alert));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    /** Logs the digest's summary (the count per rule and the first 50 sightings) at WARN. */
    @Override
    public void sendDigest(SuppressionDigest digest) {
        LOG.warn("{}", digest.summary(50));
    }

    /** The alert as one line a person can read. */
    public static String format(Alert alert) {
        CanaryRecord c = alert.canary();
        Sighting s = alert.sighting();
        StringBuilder sb = new StringBuilder();
        sb.append("CANARY ").append(alert.type() == io.canarykit.AlertType.INITIAL ? "TRIGGERED" : "USED AGAIN")
                .append(" [").append(alert.classification().kind().configName()).append(", ")
                .append(alert.severity().configName()).append(']')
                .append(": canary ").append(c.id())
                .append(" on ").append(c.asset().ref()).append(labels(c.asset().labels()))
                .append(", principal ").append(c.principal().arn())
                .append(", key ").append(c.accessKeyId())
                .append(", placed ").append(c.receipt() == null ? "nowhere" : c.receipt().placement() + " at " + c.receipt().location())
                .append("; call ").append(s.service()).append(' ').append(s.call())
                .append(" in ").append(s.region()).append(" at ").append(s.time())
                .append(" from ").append(s.sourceIp()).append(" (").append(s.userAgent()).append(')')
                .append(s.errorCode() == null ? "" : " -> " + s.errorCode())
                .append("; source ").append(s.source())
                .append("; breach window ").append(alert.window().issuedAt()).append(" .. ").append(alert.window().firstUse())
                .append("; ").append(alert.priorSightings()).append(" earlier sighting(s)");
        RunPhase.of(alert).ifPresent(p -> sb.append("; CI run: ").append(p.description()));
        sb.append("; why: ").append(String.join("; ", alert.classification().evidence()));
        if (alert.sightings().size() > 1) {
            sb.append("; this alert covers ").append(alert.sightings().size()).append(" sightings");
        }
        return sb.toString();
    }

    private static String labels(Map<String, String> labels) {
        return labels.isEmpty() ? "" : labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", " [", "]"));
    }

    @Override
    public String toString() {
        return "LoggingAlertSink";
    }
}
