package io.canarykit.internal;

import io.canarykit.alert.AlertJson;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.CanaryRecord;
import io.canarykit.RunPhase;
import io.canarykit.Sighting;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What chat, paging and mail sinks show of an alert, in plain words: what fired, where it was planted, the call, where
 * it came from, what it was (classification and evidence; for a CI run's canary, whether it was used during or after the
 * run, see {@link RunPhase}), the detection window and a link. The text is raw: every
 * value an attacker controls (user agent, call, region, error code, even labels) must go through the sink's own
 * escaping before use. Stateless.
 *
 * <p>Internal: public only so that canarykit's own modules can share it; not API, and it may change without
 * notice.
 *
 * @since 0.1.0
 */
public final class AlertText {
    /**
     * One labelled fact.
     *
     * @param label such as {@code Planted in}
     * @param value the fact, raw (escape it for the medium)
     *
     * @since 0.1.0
     */
    public record Fact(String label, String value) {
    }

    private AlertText() {
    }

    /** A one-line title: what happened, the classification, the asset and the severity. */
    public static String title(Alert a) {
        CanaryRecord c = a.canary();
        return (a.type() == AlertType.INITIAL ? "Canary triggered" : "Canary used again") + ": "
                + a.classification().kind().configName() + " on " + c.asset().ref() + " (" + a.severity().configName() + ")";
    }

    /** The facts, in the order a responder reads them. */
    public static List<Fact> facts(Alert a) {
        CanaryRecord c = a.canary();
        Sighting s = a.sighting();
        List<Fact> out = new ArrayList<>();
        out.add(new Fact("What", a.classification().kind().configName() + " (" + a.severity().configName() + "): "
                + String.join("; ", a.classification().evidence())));
        RunPhase.of(a).ifPresent(phase -> out.add(new Fact("CI run", phase.description()
                + RunPhase.completedAt(c).map(t -> " (the run reported its end at " + t + ")")
                        .orElse(" (the run has not reported its end)"))));
        out.add(new Fact("Planted in", c.asset().ref() + labels(c.asset().labels())
                + (c.receipt() == null ? "" : ", " + c.receipt().placement() + " at " + c.receipt().location())));
        out.add(new Fact("Canary", c.id() + " (" + c.kind().configName() + " " + c.principal().arn() + ", key "
                + c.accessKeyId() + ")"));
        out.add(new Fact("Call", (s.service() == null ? "?" : s.service()) + " " + (s.call() == null ? "?" : s.call())
                + (s.region() == null ? "" : " in " + s.region()) + " at " + s.time()
                + (s.errorCode() == null ? "" : " -> " + s.errorCode())));
        out.add(new Fact("From", (s.sourceIp() == null ? "unknown address" : s.sourceIp())
                + (s.userAgent() == null ? "" : ", user agent " + s.userAgent())));
        Duration w = a.window().duration();
        out.add(new Fact("Breach window", a.window().issuedAt() + " .. " + a.window().firstUse() + " (" + human(w) + ")"));
        if (a.sightings().size() > 1 || a.priorSightings() > 0) {
            out.add(new Fact("Sightings", a.sightings().size() + " in this alert, " + a.priorSightings() + " before"));
        }
        out.add(new Fact("Alert id", AlertJson.alertId(a)));
        return out;
    }

    /** The link template with the alert's values, URL-encoded; {@code null} without a template. */
    public static @Nullable String link(@Nullable String template, Alert a) {
        if (template == null) {
            return null;
        }
        CanaryRecord c = a.canary();
        Map<String, String> values = Map.of("{canary}", c.id().value(), "{account}", c.accountId(),
                "{asset-kind}", c.asset().kind(), "{asset-id}", c.asset().id(),
                "{access-key-id}", c.accessKeyId() == null ? "" : c.accessKeyId(), "{alert}", AlertJson.alertId(a),
                "{classification}", a.classification().kind().configName());
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace(e.getKey(), URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String labels(Map<String, String> labels) {
        return labels.isEmpty() ? "" : labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", " [", "]"));
    }

    /** A duration as a person reads it: {@code 2d 3h}, {@code 4h 5m}, {@code 6m 7s}. */
    public static String human(Duration d) {
        long s = d.getSeconds();
        if (s >= 86_400) {
            return s / 86_400 + "d " + (s % 86_400) / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m";
        }
        return s / 60 + "m " + s % 60 + "s";
    }

    /** Slack mrkdwn: {@code &}, {@code <}, {@code >} escaped, so no link, mention or channel ping can be injected. */
    public static String slack(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Markdown for Teams and Discord: characters with a meaning escaped, {@code @} broken so that no mention (such as
     * {@code @everyone}) is formed.
     */
    public static String markdown(String v) {
        StringBuilder sb = new StringBuilder(v.length() + 8);
        for (char ch : v.toCharArray()) {
            if ("\\`*_~|[]()#>".indexOf(ch) >= 0) {
                sb.append('\\');
            }
            sb.append(ch);
            if (ch == '@') {
                sb.append('\u200b');
            }
        }
        return sb.toString();
    }

    /** Google Chat text: its HTML-like card text with {@code <}, {@code >} and {@code &} escaped. */
    public static String html(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** {@code v} cut to at most {@code max} characters, ending in {@code ...} when cut. */
    public static String clip(String v, int max) {
        return v.length() <= max ? v : v.substring(0, max - 3) + "...";
    }
}
