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
 * Posts each alert to a Slack incoming webhook with a Block Kit message (provider {@code slack}, keys {@code canary.alert.slack.*}: see
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
public final class SlackAlertSink implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;
    private final String host;

    private SlackAlertSink(AlertSinkSettings s) {
        this.delivery = s.delivery("slack", new HttpTransport(s.httpClient(), s.uri(), s.timeout, Map.of(),
                HttpTransport.secretParts(s.uri())));
        this.linkTemplate = s.linkTemplate;
        this.host = s.uri().getHost();
    }

    /** A sink with these settings. */
    public static SlackAlertSink create(AlertSinkSettings settings) {
        return new SlackAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    /** The message body for {@code a}. */
    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        String title = AlertText.title(a);
        o.put("text", AlertText.slack(title));
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", AlertText.clip(title, 150));
        for (AlertText.Fact f : AlertText.facts(a)) {
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            section.putObject("text").put("type", "mrkdwn")
                    .put("text", AlertText.clip("*" + f.label() + "*\n" + AlertText.slack(f.value()), 3000));
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            ObjectNode actions = blocks.addObject();
            actions.put("type", "actions");
            ObjectNode button = actions.putArray("elements").addObject();
            button.put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", "Open in your console");
            button.put("url", link);
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
        o.put("text", AlertText.slack(d.summary(20)));
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
        return "SlackAlertSink[" + host + "]";
    }

    /**
     * Provider {@code slack}.
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
            return "slack";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return SlackAlertSink.create(AlertSinkSettings.fromConfig(config, "slack", null));
        }
    }
}
