package io.canarykit.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.Alert;
import io.canarykit.CanaryRecord;
import io.canarykit.PlacementReceipt;
import io.canarykit.RunPhase;
import io.canarykit.Sighting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of an alert, shared by the {@code webhook} and {@code jsonl-file} sinks:
 * <pre>{@code
 * {"alertId":"…","type":"INITIAL|FOLLOW_UP","raisedAt":"…",
 *  "canary":{"id","status","kind","issuer","accountId","accessKeyId",
 *            "principal":{"arn","name","accountId"},
 *            "asset":{"kind","id","labels":{…}},
 *            "placement":{"placement","location","placedAt","details":{…}} or null,
 *            "createdAt","issuedAt","expiresAt","triggeredAt","attributes":{…}},
 *  "sighting":{…the sighting that raised it…},
 *  "sightings":[{"source","sourceEventId","time","kind","service","call","region","sourceIp","userAgent",
 *                "errorCode","accessKeyId","principalArn","requestId","canaryId"},…],
 *  "window":{"issuedAt","firstUse","seconds"},
 *  "priorSightings":0,
 *  "classification":{"kind":"api-use|enumeration|…","severity":"high","evidence":["…"]},
 *  "classifications":[{"kind","severity","evidence"},…one per entry of "sightings"],
 *  "run":{"phase","description","completedAt","ci"} only for a CI run's canary (see {@link RunPhase})}
 * }</pre>
 * Every field before {@code classification} is as it was before classification existed; later fields are added at
 * the end, so readers of the earlier form keep working.
 * An alert carries no secret (records hold none), so neither does its JSON.
 *
 * @since 0.1.0
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    /**
     * A stable id for the alert: the same canary, type and sightings give the same id, so a receiver can drop an
     * alert delivered twice (delivery is at least once).
     */
    public static String alertId(Alert alert) {
        StringBuilder sb = new StringBuilder().append(alert.canary().id().value()).append('|').append(alert.type());
        for (Sighting s : alert.sightings()) {
            sb.append('|').append(s.source()).append('\u0000').append(s.sourceEventId());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return alert.canary().id().value() + "-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The alert as a JSON tree. */
    public static ObjectNode toTree(Alert alert) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("alertId", alertId(alert));
        o.put("type", alert.type().name());
        o.put("raisedAt", text(alert.raisedAt()));
        o.set("canary", canary(alert.canary()));
        o.set("sighting", sighting(alert.sighting()));
        ArrayNode list = o.putArray("sightings");
        for (Sighting s : alert.sightings()) {
            list.add(sighting(s));
        }
        ObjectNode w = o.putObject("window");
        w.put("issuedAt", text(alert.window().issuedAt()));
        w.put("firstUse", text(alert.window().firstUse()));
        w.put("seconds", alert.window().duration().getSeconds());
        o.put("priorSightings", alert.priorSightings());
        o.set("classification", classification(alert.classification()));
        ArrayNode classes = o.putArray("classifications");
        alert.classifications().forEach(c -> classes.add(classification(c)));
        RunPhase.of(alert).ifPresent(phase -> o.set("run", run(alert.canary(), phase)));
        return o;
    }

    /** The alert as one line of JSON (no line breaks). */
    public static String toJson(Alert alert) {
        try {
            return MAPPER.writeValueAsString(toTree(alert));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert as JSON", e);
        }
    }

    /**
     * The run part of an alert on a CI run's canary: {@code {"phase":"after-run|during-run","description":"used after
     * the run finished","completedAt":"…" or null,"ci":"github-actions"}}; the run's repository, workflow, run id, sha
     * and the rest are the asset's labels.
     */
    public static ObjectNode run(CanaryRecord canary, RunPhase phase) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("phase", phase.configName());
        r.put("description", phase.description());
        r.put("completedAt", RunPhase.completedAt(canary).map(Instant::toString).orElse(null));
        r.put("ci", canary.attributes().get(RunPhase.ATTR_RUN));
        return r;
    }

    /** A sighting as JSON. */
    public static ObjectNode sighting(Sighting s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("source", s.source());
        o.put("sourceEventId", s.sourceEventId());
        o.put("time", text(s.time()));
        o.put("kind", s.kind().name());
        o.put("service", s.service());
        o.put("call", s.call());
        o.put("region", s.region());
        o.put("sourceIp", s.sourceIp());
        o.put("userAgent", s.userAgent());
        o.put("errorCode", s.errorCode());
        o.put("accessKeyId", s.accessKeyId());
        o.put("principalArn", s.principalArn());
        o.put("requestId", s.requestId());
        o.put("canaryId", s.canaryId() == null ? null : s.canaryId().value());
        return o;
    }

    /** A classification as JSON: {@code {"kind","severity","evidence":[…]}}. */
    public static ObjectNode classification(io.canarykit.Classification c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", c.kind().configName());
        o.put("severity", c.severity().configName());
        ArrayNode e = o.putArray("evidence");
        c.evidence().forEach(e::add);
        return o;
    }

    private static ObjectNode canary(CanaryRecord c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", c.id().value());
        o.put("status", c.status().name());
        o.put("kind", c.kind().configName());
        o.put("issuer", c.issuer());
        o.put("accountId", c.accountId());
        o.put("accessKeyId", c.accessKeyId());
        ObjectNode p = o.putObject("principal");
        p.put("arn", c.principal().arn());
        p.put("name", c.principal().name());
        p.put("accountId", c.principal().accountId());
        ObjectNode a = o.putObject("asset");
        a.put("kind", c.asset().kind());
        a.put("id", c.asset().id());
        map(a.putObject("labels"), c.asset().labels());
        PlacementReceipt r = c.receipt();
        if (r == null) {
            o.putNull("placement");
        } else {
            ObjectNode pl = o.putObject("placement");
            pl.put("placement", r.placement());
            pl.put("location", r.location());
            pl.put("placedAt", text(r.placedAt()));
            map(pl.putObject("details"), r.details());
        }
        o.put("createdAt", text(c.createdAt()));
        o.put("issuedAt", text(c.issuedAt()));
        o.put("expiresAt", text(c.expiresAt()));
        o.put("triggeredAt", text(c.triggeredAt()));
        map(o.putObject("attributes"), c.attributes());
        return o;
    }

    private static void map(ObjectNode target, Map<String, String> values) {
        new TreeMap<>(values).forEach(target::put);
    }

    private static @Nullable String text(@Nullable Instant t) {
        return t == null ? null : t.toString();
    }
}
