package io.canarykit.internal;

import io.canarykit.fingerprint.KeyId;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.fingerprint.Finding;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * The JSON form of a {@link FingerprintReport}, one object per key:
 * <pre>{@code
 * {"keyId":"AKIA…","prefix":"AKIA","keyType":"access-key","format":"new"|"old"|"invalid",
 *  "accountId":"012345678901"|null,"lenientAccountId":"…"|null,
 *  "findings":[{"code":"…","severity":"info"|"low"|"medium"|"high","message":"…"}],
 *  "verdict":"clean"|"suspicious"|"fingerprinted"}
 * }</pre>
 * The field names are a public interface: fields may be added, never renamed. {@code keyId} is
 * {@link KeyId#display()}, so an input that looks like a secret is never echoed. Thread-safe.
 *
 * <p>Internal: public only so that canarykit's own modules can share it; not API, and it may change without
 * notice.
 *
 * @since 0.1.0
 */
public final class FingerprintJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FingerprintJson() {
    }

    /** The report as a JSON object node, to which callers may add fields (e.g. a profile name). */
    public static ObjectNode toNode(FingerprintReport report) {
        Objects.requireNonNull(report, "report");
        KeyId k = report.keyId();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("keyId", k.display());
        o.put("prefix", k.prefix());
        o.put("keyType", k.type().jsonName());
        o.put("format", k.format().jsonName());
        o.put("accountId", k.accountId());
        o.put("lenientAccountId", k.lenientAccountId());
        ArrayNode findings = o.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode n = findings.addObject();
            n.put("code", f.code().code());
            n.put("severity", f.severity().jsonName());
            n.put("message", f.message());
        }
        o.put("verdict", report.verdict().jsonName());
        return o;
    }

    /** The report as one line of compact JSON (no line breaks). */
    public static String toJson(FingerprintReport report) {
        return write(toNode(report));
    }

    /** A node (e.g. from {@link #toNode}) as one line of compact JSON. */
    public static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree node", e); // cannot happen for a tree
        }
    }
}
