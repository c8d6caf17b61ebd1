package io.canarykit.alert;

import io.canarykit.internal.AlertText;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Alert;
import io.canarykit.config.CanaryConfig;
import io.canarykit.metrics.AlertOutcome;
import io.canarykit.config.ConfigKeys;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Posts each alert to a Microsoft Teams Workflows webhook with an Adaptive Card (Teams answers 202) (provider {@code teams}, keys {@code canary.alert.teams.*}: see
 * {@link AlertSinkSettings}). Readable at a glance: what fired and its classification with the evidence, where the
 * canary was planted (asset, labels, placement), the call, source address and user agent, the detection window,
 * the alert id and a link from the link template. Every attacker-controlled value is escaped for the format.
 * Delivery is {@link Delivery}'s: timeouts, retries with backoff and {@code Retry-After}, the spool. The webhook URL
 * is a secret: never logged, never in a message or {@code toString}.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class TeamsAlertSink implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;
    private final String host;

    private TeamsAlertSink(AlertSinkSettings s) {
        this.delivery = s.delivery("teams", new HttpTransport(s.httpClient(), s.uri(), s.timeout, Map.of(),
                HttpTransport.secretParts(s.uri())));
        this.linkTemplate = s.linkTemplate;
        this.host = s.uri().getHost();
    }

    /** A sink with these settings. */
    public static TeamsAlertSink create(AlertSinkSettings settings) {
        return new TeamsAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    /** The message body for {@code a}. */
    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "message");
        ObjectNode attachment = o.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        ObjectNode heading = body.addObject();
        heading.put("type", "TextBlock");
        heading.put("size", "Large");
        heading.put("weight", "Bolder");
        heading.put("wrap", true);
        heading.put("color", a.severity().compareTo(io.canarykit.AlertSeverity.HIGH) >= 0 ? "Attention" : "Warning");
        heading.put("text", AlertText.markdown(AlertText.title(a)));
        ObjectNode facts = body.addObject();
        facts.put("type", "FactSet");
        ArrayNode list = facts.putArray("facts");
        for (AlertText.Fact f : AlertText.facts(a)) {
            list.addObject().put("title", f.label()).put("value", AlertText.markdown(f.value()));
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            ObjectNode open = card.putArray("actions").addObject();
            open.put("type", "Action.OpenUrl");
            open.put("title", "Open in your console");
            open.put("url", link);
        }
        return o;
    }

    @Override
    public void send(Alert alert) {
        JsonPost.deliver(delivery, AlertJson.alertId(alert), render(alert));
    }

    /** The digest message: the period, the count per rule and the first sightings. */
    ObjectNode renderDigest(SuppressionDigest d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "message");
        ObjectNode card = o.putArray("attachments").addObject().put("contentType", "application/vnd.microsoft.card.adaptive")
                .putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.putArray("body").addObject().put("type", "TextBlock").put("wrap", true)
                .put("text", AlertText.markdown(d.summary(20)));
        return o;
    }

    @Override
    public boolean acceptsDigests() {
        return true;
    }

    @Override
    public void sendDigest(SuppressionDigest digest) {
        JsonPost.deliver(delivery, digest.id(), renderDigest(digest));
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
        return "TeamsAlertSink[" + host + "]";
    }

    /**
     * Provider {@code teams}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = AlertSinkSettings.keys(null, null, false);

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public String name() {
            return "teams";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return TeamsAlertSink.create(AlertSinkSettings.fromConfig(config, "teams", null));
        }
    }
}
