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
 * Posts each alert to a Google Chat incoming webhook with a card (provider {@code google-chat}, keys {@code canary.alert.google-chat.*}: see
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
public final class GoogleChatAlertSink implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;
    private final String host;

    private GoogleChatAlertSink(AlertSinkSettings s) {
        this.delivery = s.delivery("google-chat", new HttpTransport(s.httpClient(), s.uri(), s.timeout, Map.of(),
                HttpTransport.secretParts(s.uri())));
        this.linkTemplate = s.linkTemplate;
        this.host = s.uri().getHost();
    }

    /** A sink with these settings. */
    public static GoogleChatAlertSink create(AlertSinkSettings settings) {
        return new GoogleChatAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    /** The message body for {@code a}. */
    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", AlertText.title(a));
        ObjectNode card = o.putArray("cardsV2").addObject();
        card.put("cardId", AlertJson.alertId(a));
        ObjectNode c = card.putObject("card");
        c.putObject("header").put("title", AlertText.clip(AlertText.html(AlertText.title(a)), 200))
                .put("subtitle", AlertText.html(a.canary().id().value()));
        ArrayNode widgets = c.putArray("sections").addObject().putArray("widgets");
        for (AlertText.Fact f : AlertText.facts(a)) {
            widgets.addObject().putObject("decoratedText").put("topLabel", f.label())
                    .put("text", AlertText.html(f.value())).put("wrapText", true);
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            ObjectNode button = widgets.addObject().putObject("buttonList").putArray("buttons").addObject();
            button.put("text", "Open in your console");
            button.putObject("onClick").putObject("openLink").put("url", link);
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
        o.put("text", AlertText.clip(d.summary(20), 4000));
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
        return "GoogleChatAlertSink[" + host + "]";
    }

    /**
     * Provider {@code google-chat}.
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
            return "google-chat";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return GoogleChatAlertSink.create(AlertSinkSettings.fromConfig(config, "google-chat", null));
        }
    }
}
