package io.canarykit.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryRecord;
import io.canarykit.PlacementReceipt;
import io.canarykit.SelfUse;
import io.canarykit.internal.FingerprintJson;
import io.canarykit.fingerprint.FingerprintReport;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON shape of a canary record, shared by the issuance API and the command line ({@code canary list --json}).
 * Field names are a public interface: fields may be added, never renamed. A record holds no secret, so neither does
 * this.
 *
 * @since 0.1.0
 */
public final class CanaryJson {
    /** The mapper used by the examples. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private CanaryJson() {
    }

    /** The record as a JSON object. */
    public static ObjectNode record(CanaryRecord r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("canaryId", r.id().value());
        n.put("status", r.status().name());
        n.put("kind", r.kind().configName());
        n.put("issuer", r.issuer());
        n.put("accountId", r.accountId());
        n.put("accessKeyId", r.accessKeyId());
        n.put("principalArn", r.principal().arn());
        n.put("principalName", r.principal().name());
        ObjectNode asset = n.putObject("asset");
        asset.put("kind", r.asset().kind());
        asset.put("id", r.asset().id());
        ObjectNode labels = asset.putObject("labels");
        r.asset().labels().forEach(labels::put);
        n.set("placement", receipt(r.receipt()));
        time(n, "createdAt", r.createdAt());
        time(n, "issuedAt", r.issuedAt());
        time(n, "expiresAt", r.expiresAt());
        time(n, "closedAt", r.closedAt());
        time(n, "triggeredAt", r.triggeredAt());
        n.put("replaces", r.replaces() == null ? null : r.replaces().value());
        n.put("replacedBy", r.replacedBy() == null ? null : r.replacedBy().value());
        ArrayNode self = n.putArray("selfUses");
        for (SelfUse s : r.selfUses()) {
            ObjectNode u = self.addObject();
            u.put("eventName", s.eventName());
            time(u, "at", s.at());
            u.put("requestId", s.requestId());
        }
        ObjectNode attrs = n.putObject("attributes");
        r.attributes().forEach(attrs::put);
        n.put("version", r.version());
        return n;
    }

    /** A placement receipt, or JSON null. */
    public static @Nullable ObjectNode receipt(@Nullable PlacementReceipt receipt) {
        if (receipt == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("placement", receipt.placement());
        n.put("location", receipt.location());
        ObjectNode details = n.putObject("details");
        for (Map.Entry<String, String> e : receipt.details().entrySet()) {
            details.put(e.getKey(), e.getValue());
        }
        time(n, "placedAt", receipt.placedAt());
        return n;
    }

    /** A fingerprint report, or JSON null. */
    public static @Nullable ObjectNode fingerprint(@Nullable FingerprintReport report) {
        return report == null ? null : FingerprintJson.toNode(report);
    }

    private static void time(ObjectNode n, String field, @Nullable Instant t) {
        n.put(field, t == null ? null : t.toString());
    }
}
