package io.canarykit.alert;

import io.canarykit.internal.AlertText;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Alert;
import io.canarykit.AlertSeverity;
import io.canarykit.AlertType;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.Classification;
import io.canarykit.Sighting;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The JSON an alert is written as, by the sinks that emit JSON ({@code webhook}, {@code jsonl-file},
 * {@code splunk-hec}, {@code eventbridge}): canarykit's own ({@link AlertJson}), an OCSF 1.x Detection Finding
 * (class 2004) or an ECS 8 event. None holds a secret (alerts hold none).
 *
 * @since 0.1.0
 */
public enum AlertFormat {
    /** {@link AlertJson}, unchanged. */
    CANARYKIT("canarykit") {
        @Override
        public ObjectNode render(Alert alert) {
            return AlertJson.toTree(alert);
        }
    },
    /**
     * OCSF 1.8 Detection Finding ({@code class_uid} 2004, category Findings): {@code finding_info} (uid = alert id,
     * title, analytic = the classification), {@code evidences} (one per sighting: the API call, the caller's address
     * and user agent, the actor), {@code resources} (the canary's principal, with the asset's labels), {@code cloud},
     * severity from the classification, activity Create for the first alert and Update for follow-ups, and
     * canarykit's own JSON under {@code unmapped}.
     */
    OCSF("ocsf") {
        @Override
        public ObjectNode render(Alert a) {
            return Ocsf.finding(a);
        }
    },
    /**
     * ECS 8.11: {@code event.kind} {@code alert}, category {@code intrusion_detection}, {@code rule} = the
     * classification, {@code source.ip}, {@code user_agent.original}, {@code cloud}, {@code user}, with the canary's
     * details in {@code labels} and {@code canarykit} (custom fields).
     */
    ECS("ecs") {
        @Override
        public ObjectNode render(Alert a) {
            return Ecs.event(a);
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String configName;

    AlertFormat(String configName) {
        this.configName = configName;
    }

    /** The alert in this format. */
    public abstract ObjectNode render(Alert alert);

    /** The name used in configuration ({@code format=ocsf}). */
    public String configName() {
        return configName;
    }

    /**
     * Parses {@code canarykit}, {@code ocsf} or {@code ecs}, ignoring case.
     *
     * @throws CanaryConfigurationException naming the formats if it is none of them
     */
    public static AlertFormat fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (AlertFormat f : values()) {
            if (f.configName.equals(n)) {
                return f;
            }
        }
        throw new CanaryConfigurationException("unknown alert format '" + name + "': expected one of "
                + Arrays.stream(values()).map(AlertFormat::configName).collect(Collectors.joining(", ")));
    }

    /** OCSF's severity_id: 1 informational .. 5 critical. */
    static int ocsfSeverity(AlertSeverity s) {
        return switch (s) {
            case INFO -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    /** OCSF Detection Finding. */
    static final class Ocsf {
        static final String VERSION = "1.8.0";

        private Ocsf() {
        }

        static ObjectNode finding(Alert a) {
            CanaryRecord c = a.canary();
            String id = AlertJson.alertId(a);
            boolean first = a.type() == AlertType.INITIAL;
            ObjectNode o = MAPPER.createObjectNode();
            o.put("activity_id", first ? 1 : 2);
            o.put("activity_name", first ? "Create" : "Update");
            o.put("category_uid", 2);
            o.put("category_name", "Findings");
            o.put("class_uid", 2004);
            o.put("class_name", "Detection Finding");
            o.put("type_uid", 200400 + (first ? 1 : 2));
            o.put("type_name", "Detection Finding: " + (first ? "Create" : "Update"));
            int severity = ocsfSeverity(a.severity());
            o.put("severity_id", severity);
            o.put("severity", switch (severity) {
                case 1 -> "Informational";
                case 2 -> "Low";
                case 3 -> "Medium";
                case 4 -> "High";
                default -> "Critical";
            });
            o.put("status_id", 1);
            o.put("status", "New");
            o.put("time", a.raisedAt().toEpochMilli());
            o.put("message", AlertText.title(a));
            ObjectNode meta = o.putObject("metadata");
            meta.put("version", VERSION);
            meta.putArray("profiles").add("cloud");
            meta.put("uid", id);
            meta.put("correlation_uid", c.id().value());
            ObjectNode product = meta.putObject("product");
            product.put("name", "canarykit");
            product.put("vendor_name", "canarykit");
            ObjectNode info = o.putObject("finding_info");
            info.put("uid", id);
            info.put("title", AlertText.title(a));
            info.put("desc", String.join("; ", a.classification().evidence()));
            info.putArray("types").add(a.classification().kind().configName());
            info.put("created_time", a.raisedAt().toEpochMilli());
            info.put("first_seen_time", a.sightings().get(0).time().toEpochMilli());
            info.put("last_seen_time", a.sightings().get(a.sightings().size() - 1).time().toEpochMilli());
            ObjectNode analytic = info.putObject("analytic");
            analytic.put("name", "canarykit " + a.classification().kind().configName());
            analytic.put("uid", a.classification().kind().configName());
            analytic.put("type_id", 1);
            analytic.put("type", "Rule");
            ObjectNode cloud = o.putObject("cloud");
            cloud.put("provider", "AWS");
            if (a.sighting().region() != null) {
                cloud.put("region", a.sighting().region());
            }
            ObjectNode account = cloud.putObject("account");
            account.put("uid", c.accountId());
            account.put("type_id", 10);
            account.put("type", "AWS Account");
            ArrayNode resources = o.putArray("resources");
            ObjectNode principal = resources.addObject();
            principal.put("uid", c.principal().arn());
            principal.put("name", c.principal().name());
            principal.put("type", "AWS IAM principal (canary " + c.kind().configName() + ")");
            ArrayNode labels = principal.putArray("labels");
            c.asset().labels().forEach((k, v) -> labels.add(k + "=" + v));
            labels.add("asset=" + c.asset().ref());
            ArrayNode evidences = o.putArray("evidences");
            for (int i = 0; i < a.sightings().size(); i++) {
                evidences.add(evidence(a.sightings().get(i), a.classifications().get(i), c));
            }
            o.set("unmapped", AlertJson.toTree(a));
            return o;
        }

        private static ObjectNode evidence(Sighting s, Classification cls, CanaryRecord c) {
            ObjectNode e = MAPPER.createObjectNode();
            ObjectNode api = e.putObject("api");
            api.put("operation", s.call() == null ? "unknown" : s.call());
            if (s.service() != null) {
                api.putObject("service").put("name", s.service());
            }
            if (s.requestId() != null) {
                api.putObject("request").put("uid", s.requestId());
            }
            if (s.errorCode() != null) {
                api.putObject("response").put("error", s.errorCode());
            }
            if (s.sourceIp() != null || s.userAgent() != null) {
                ObjectNode src = e.putObject("src_endpoint");
                if (s.sourceIp() != null && looksLikeIp(s.sourceIp())) {
                    src.put("ip", s.sourceIp());
                } else if (s.sourceIp() != null) {
                    src.put("name", s.sourceIp());
                }
            }
            ObjectNode actor = e.putObject("actor");
            ObjectNode user = actor.putObject("user");
            user.put("uid", s.principalArn() != null ? s.principalArn() : c.principal().arn());
            user.put("name", c.principal().name());
            if (s.accessKeyId() != null) {
                user.putObject("account").put("uid", c.accountId());
                user.put("credential_uid", s.accessKeyId());
            }
            if (s.userAgent() != null) {
                e.putObject("http_request").put("user_agent", s.userAgent());
            }
            ObjectNode data = e.putObject("data");
            data.put("source", s.source());
            data.put("source_event_id", s.sourceEventId());
            data.put("time", s.time().toString());
            data.put("kind", s.kind().name());
            data.put("classification", cls.kind().configName());
            return e;
        }

        private static boolean looksLikeIp(String v) {
            return v.matches("[0-9.]+") || v.matches("[0-9a-fA-F:]+") && v.contains(":");
        }
    }

    /** Elastic Common Schema event. */
    static final class Ecs {
        static final String VERSION = "8.11.0";

        private Ecs() {
        }

        static ObjectNode event(Alert a) {
            CanaryRecord c = a.canary();
            Sighting s = a.sighting();
            ObjectNode o = MAPPER.createObjectNode();
            o.put("@timestamp", a.raisedAt().toString());
            o.putObject("ecs").put("version", VERSION);
            o.put("message", AlertText.title(a));
            ObjectNode ev = o.putObject("event");
            ev.put("kind", "alert");
            ev.putArray("category").add("intrusion_detection");
            ev.putArray("type").add("info");
            ev.put("id", AlertJson.alertId(a));
            ev.put("created", a.raisedAt().toString());
            ev.put("start", a.sightings().get(0).time().toString());
            ev.put("end", a.sightings().get(a.sightings().size() - 1).time().toString());
            ev.put("severity", numericSeverity(a.severity()));
            ev.put("risk_score", numericSeverity(a.severity()) * 20.0);
            ev.put("module", "canarykit");
            ev.put("dataset", "canarykit.alert");
            ev.put("provider", s.source());
            if (s.call() != null) {
                ev.put("action", s.call());
            }
            ev.put("outcome", s.errorCode() == null ? "success" : "failure");
            ev.put("reason", String.join("; ", a.classification().evidence()));
            ObjectNode rule = o.putObject("rule");
            rule.put("id", a.classification().kind().configName());
            rule.put("name", a.classification().kind().configName());
            rule.put("category", "canary credential");
            rule.put("description", String.join("; ", a.classification().evidence()));
            rule.put("ruleset", "canarykit");
            ObjectNode cloud = o.putObject("cloud");
            cloud.put("provider", "aws");
            cloud.putObject("account").put("id", c.accountId());
            if (s.region() != null) {
                cloud.put("region", s.region());
            }
            if (s.service() != null) {
                cloud.putObject("service").put("name", s.service());
            }
            if (s.sourceIp() != null) {
                if (Ocsf.looksLikeIp(s.sourceIp())) {
                    o.putObject("source").put("ip", s.sourceIp());
                } else {
                    o.putObject("source").put("domain", s.sourceIp());
                }
            }
            if (s.userAgent() != null) {
                o.putObject("user_agent").put("original", s.userAgent());
            }
            ObjectNode user = o.putObject("user");
            user.put("id", c.principal().arn());
            user.put("name", c.principal().name());
            ObjectNode labels = o.putObject("labels");
            labels.put("canary_id", c.id().value());
            labels.put("asset_kind", c.asset().kind());
            labels.put("asset_id", c.asset().id());
            labels.put("classification", a.classification().kind().configName());
            c.asset().labels().forEach((k, v) -> labels.put("asset_label_" + k.replaceAll("[^A-Za-z0-9_]", "_"), v));
            ArrayNode tags = o.putArray("tags");
            tags.add("canarykit");
            tags.add(a.classification().kind().configName());
            o.set("canarykit", AlertJson.toTree(a));
            return o;
        }

        private static int numericSeverity(AlertSeverity s) {
            return ocsfSeverity(s);
        }
    }
}
