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
 * Posts each alert to a Discord webhook with an embed (no mention can be formed: allowed_mentions is empty) (provider {@code discord}, keys {@code canary.alert.discord.*}: see
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
public final class DiscordAlertSink implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;
    private final String host;

    private DiscordAlertSink(AlertSinkSettings s) {
        this.delivery = s.delivery("discord", new HttpTransport(s.httpClient(), s.uri(), s.timeout, Map.of(),
                HttpTransport.secretParts(s.uri())));
        this.linkTemplate = s.linkTemplate;
        this.host = s.uri().getHost();
    }

    /** A sink with these settings. */
    public static DiscordAlertSink create(AlertSinkSettings settings) {
        return new DiscordAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    /** The message body for {@code a}. */
    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("content", AlertText.clip(AlertText.markdown(AlertText.title(a)), 2000));
        o.putObject("allowed_mentions").putArray("parse");
        ObjectNode embed = o.putArray("embeds").addObject();
        embed.put("title", AlertText.clip(AlertText.title(a), 256));
        embed.put("color", a.severity().compareTo(io.canarykit.AlertSeverity.HIGH) >= 0 ? 0xD0021B : 0xF5A623);
        embed.put("timestamp", a.raisedAt().toString());
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            embed.put("url", link);
        }
        ArrayNode fields = embed.putArray("fields");
        for (AlertText.Fact f : AlertText.facts(a)) {
            fields.addObject().put("name", f.label()).put("value", AlertText.clip(AlertText.markdown(f.value()), 1024))
                    .put("inline", false);
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
        o.put("content", AlertText.clip(AlertText.markdown(d.summary(15)), 2000));
        o.putObject("allowed_mentions").putArray("parse");
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
        return "DiscordAlertSink[" + host + "]";
    }

    /**
     * Provider {@code discord}.
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
            return "discord";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return DiscordAlertSink.create(AlertSinkSettings.fromConfig(config, "discord", null));
        }
    }
}
