package io.canarykit.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Alert;
import io.canarykit.AlertSeverity;
import io.canarykit.config.CanaryConfig;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.config.ConfigKeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sends each alert to a Splunk HTTP Event Collector (provider {@code splunk-hec}; {@code canary.alert.splunk-hec.url}
 * such as {@code https://splunk.example.com:8088/services/collector/event} and {@code .token}, both required, the
 * token secret; {@code format} {@code canarykit} (default), {@code ocsf} or {@code ecs}): one HEC event with
 * {@code time} (epoch seconds), {@code source} {@code canarykit}, {@code sourcetype} {@code canarykit:alert},
 * {@code canarykit:ocsf} or {@code canarykit:ecs}, and the alert in that format as {@code event}. The token goes in
 * {@code Authorization: Splunk …} and is never logged; HEC's 503 (busy) and 429 are retried.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class SplunkHecAlertSink implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final AlertFormat format;
    private final String host;

    private SplunkHecAlertSink(AlertSinkSettings s) {
        Objects.requireNonNull(s.token, "a Splunk HEC sink needs its token");
        List<String> secrets = new ArrayList<>(HttpTransport.secretParts(s.uri()));
        secrets.add(s.token.reveal());
        this.delivery = s.delivery("splunk-hec", new HttpTransport(s.httpClient(), s.uri(), s.timeout,
                Map.of("Authorization", "Splunk " + s.token.reveal()), secrets));
        this.format = s.format == null ? AlertFormat.CANARYKIT : s.format;
        this.host = s.uri().getHost();
    }

    /** A sink with these settings (their token is the HEC token). */
    public static SplunkHecAlertSink create(AlertSinkSettings settings) {
        return new SplunkHecAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", a.raisedAt().getEpochSecond() + a.raisedAt().getNano() / 1_000_000 / 1000.0);
        o.put("source", "canarykit");
        o.put("sourcetype", format == AlertFormat.CANARYKIT ? "canarykit:alert" : "canarykit:" + format.configName());
        o.set("event", format.render(a));
        return o;
    }

    @Override
    public void send(Alert alert) {
        JsonPost.deliver(delivery, AlertJson.alertId(alert), render(alert));
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    /** The digest as one HEC event of sourcetype {@code canarykit:digest}. */
    @Override
    public void sendDigest(SuppressionDigest digest) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", digest.periodEnd().getEpochSecond());
        o.put("source", "canarykit");
        o.put("sourcetype", "canarykit:digest");
        o.set("event", digest.toTree());
        JsonPost.deliver(delivery, digest.id(), o);
    }

    @Override
    public int flush() {
        return delivery.flush();
    }

    @Override
    public boolean reportTo(Consumer<AlertOutcome> listener) {
        delivery.reportTo(listener);
        return true;
    }

    @Override
    public String toString() {
        return "SplunkHecAlertSink[" + host + ", " + format.configName() + "]";
    }

    /**
     * Provider {@code splunk-hec}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = AlertSinkSettings.keys(null, "token", true);

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public String name() {
            return "splunk-hec";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return SplunkHecAlertSink.create(AlertSinkSettings.fromConfig(config, "splunk-hec", null, "token"));
        }
    }
}
