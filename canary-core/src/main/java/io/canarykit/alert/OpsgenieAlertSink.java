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
import org.jspecify.annotations.Nullable;

/**
 * Creates an Opsgenie alert for each alert (provider {@code opsgenie}; {@code canary.alert.opsgenie.api-key} is
 * required and secret, {@code url} defaults to {@value #ALERTS_URL} (use {@code https://api.eu.opsgenie.com/v2/alerts}
 * for the EU instance)): {@code alias} = the canary id, so follow-ups join the canary's open alert, priority from the
 * classification ({@code P1} critical .. {@code P5}), the facts in {@code details}, tags with the classification.
 * The key goes in {@code Authorization: GenieKey …} and is never logged. Opsgenie answers 202.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class OpsgenieAlertSink implements AlertSink {
    /** Opsgenie's Alert API endpoint. */
    public static final String ALERTS_URL = "https://api.opsgenie.com/v2/alerts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Delivery delivery;
    private final @Nullable String linkTemplate;

    private OpsgenieAlertSink(AlertSinkSettings s) {
        Objects.requireNonNull(s.token, "an Opsgenie sink needs its API key (token)");
        List<String> secrets = new ArrayList<>(HttpTransport.secretParts(s.uri()));
        secrets.add(s.token.reveal());
        this.delivery = s.delivery("opsgenie", new HttpTransport(s.httpClient(), s.uri(), s.timeout,
                Map.of("Authorization", "GenieKey " + s.token.reveal()), secrets));
        this.linkTemplate = s.linkTemplate;
    }

    /** A sink with these settings (their token is the API key). */
    public static OpsgenieAlertSink create(AlertSinkSettings settings) {
        return new OpsgenieAlertSink(Objects.requireNonNull(settings, "settings"));
    }

    static String priority(AlertSeverity s) {
        return switch (s) {
            case CRITICAL -> "P1";
            case HIGH -> "P2";
            case MEDIUM -> "P3";
            case LOW -> "P4";
            case INFO -> "P5";
        };
    }

    ObjectNode render(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("message", AlertText.clip(AlertText.title(a), 130));
        o.put("alias", a.canary().id().value());
        StringBuilder description = new StringBuilder();
        for (AlertText.Fact f : AlertText.facts(a)) {
            description.append(f.label()).append(": ").append(f.value()).append('\n');
        }
        String link = AlertText.link(linkTemplate, a);
        if (link != null) {
            description.append("Console: ").append(link).append('\n');
        }
        o.put("description", AlertText.clip(description.toString(), 15000));
        o.put("priority", priority(a.severity()));
        o.put("source", "canarykit");
        o.put("entity", a.canary().asset().ref());
        ArrayNode tags = o.putArray("tags");
        tags.add("canarykit");
        tags.add(a.classification().kind().configName());
        ObjectNode details = o.putObject("details");
        details.put("canary", a.canary().id().value());
        details.put("account", a.canary().accountId());
        details.put("alert", AlertJson.alertId(a));
        details.put("classification", a.classification().kind().configName());
        details.put("sourceIp", String.valueOf(a.sighting().sourceIp()));
        details.put("userAgent", String.valueOf(a.sighting().userAgent()));
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
        return "OpsgenieAlertSink";
    }

    /**
     * Provider {@code opsgenie}.
     *
     * @since 0.1.0
     */
    public static final class Provider implements AlertSinkProvider {
        private static final ConfigKeys KEYS = AlertSinkSettings.keys(ALERTS_URL, "api-key", false);

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public ConfigKeys configKeys() {
            return KEYS;
        }

        @Override
        public String name() {
            return "opsgenie";
        }

        @Override
        public AlertSink create(CanaryConfig config) {
            return OpsgenieAlertSink.create(AlertSinkSettings.fromConfig(config, "opsgenie", ALERTS_URL, "api-key"));
        }
    }
}
