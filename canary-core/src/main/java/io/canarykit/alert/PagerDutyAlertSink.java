package io.canarykit.alert;

import io.canarykit.internal.AlertText;
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
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Sends each alert to PagerDuty's Events API v2 (provider {@code pagerduty}; {@code canary.alert.pagerduty.routing-key}
 * is required and secret, {@code url} defaults to {@value #EVENTS_URL}, the rest as in {@link AlertSinkSettings}):
 * a {@code trigger} event whose {@code dedup_key} is the canary id, so follow-ups join the canary's incident, with the
 * severity from the classification ({@code critical}, {@code error}, {@code warning}, {@code info}), the facts in
 * {@code custom_details} and the link in {@code links}. PagerDuty answers 202; a 400 with its {@code errors} array is
 * not retried (the event or the key is wrong) but kept in the spool and reported; 429 and 5xx are retried.
 *
 * <p>Thread-safe. The routing key is never logged or shown.
 *
 * @since 0.1.0
 */
public final class PagerDutyAlertSink implements AlertSink {
    /** PagerDuty's Events API v2 endpoint. */
    public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;
    private final io.canarykit.Secret routingKey;

    private PagerDutyAlertSink(AlertSinkSettings s) {
        this.routingKey = Objects.requireNonNull(s.token, "a PagerDuty sink needs its routing key (token)");
        HttpTransport http = new HttpTransport(s.httpClient(), s.uri(), s.timeout, Map.of(), secrets(s, routingKey));
        // the routing key is added at each attempt: the spool on disk never holds it
        this.delivery = s.delivery("pagerduty", m -> http.attempt(withRoutingKey(m)));
        this.linkTemplate = s.linkTemplate;
    }

    private static List<String> secrets(AlertSinkSettings s, io.canarykit.Secret routingKey) {
        List<String> out = new ArrayList<>(HttpTransport.secretParts(s.uri()));
        out.add(routingKey.reveal());
        return out;
    }

    /** A sink with these settings (their token is the routing key). */
    public static PagerDutyAlertSink create(AlertSinkSettings settings) {
        return new PagerDutyAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    static String severity(AlertSeverity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "info";
        };
    }

    private DeliveryMessage withRoutingKey(DeliveryMessage m) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(m.body());
            ObjectNode keyed = JSON.createObjectNode();
            keyed.put("routing_key", routingKey.reveal());
            keyed.setAll(body);
            return new DeliveryMessage(m.id(), m.contentType(), JSON.writeValueAsBytes(keyed), m.attributes());
        } catch (IOException e) {
            throw new IllegalStateException("a spooled PagerDuty event is not JSON", e);
        }
    }

    /** The event without its routing key (added when it is sent). */
    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("event_action", "trigger");
        o.put("dedup_key", a.canary().id().value());
        ObjectNode p = o.putObject("payload");
        p.put("summary", AlertText.clip(AlertText.title(a), 1024));
        p.put("source", a.sighting().sourceIp() == null ? "unknown" : a.sighting().sourceIp());
        p.put("severity", severity(a.severity()));
        p.put("timestamp", a.raisedAt().toString());
        p.put("component", a.canary().asset().ref());
        p.put("group", a.canary().accountId());
        p.put("class", a.classification().kind().configName());
        ObjectNode details = p.putObject("custom_details");
        for (AlertText.Fact f : AlertText.facts(a)) {
            details.put(f.label(), f.value());
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            o.putArray("links").addObject().put("href", link).put("text", "Open in your console");
        }
        return o;
    }

    @Override
    public void send(Alert alert) {
        JsonPost.deliver(delivery, AlertJson.alertId(alert), render(alert));
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
        return "PagerDutyAlertSink";
    }

    /**
     * Provider {@code pagerduty}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = AlertSinkSettings.keys(EVENTS_URL, "routing-key", false);

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public String name() {
            return "pagerduty";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return PagerDutyAlertSink.create(AlertSinkSettings.fromConfig(config, "pagerduty", EVENTS_URL, "routing-key"));
        }
    }
}
