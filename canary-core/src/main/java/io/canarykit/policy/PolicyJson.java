package io.canarykit.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads and writes IAM policy JSON. */
final class PolicyJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // a policy is one JSON document: anything after it (a second object, stray text) is refused, not ignored
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final List<String> DOCUMENT_FIELDS = List.of("Version", "Id", "Statement");
    private static final List<String> STATEMENT_FIELDS = List.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");
    private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+");

    private PolicyJson() {
    }

    static PolicyDocument parse(@Nullable String name, @Nullable String json) {
        Parser p = new Parser(name);
        if (json == null || json.isBlank()) {
            throw p.error(null, null, "the document is empty; an IAM policy is a JSON object with Version and Statement");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new PolicyParseException(p.prefix() + "not valid JSON" + where + ": " + e.getOriginalMessage(),
                    null, null, e);
        }
        return p.document(root);
    }

    static String write(PolicyDocument doc, boolean pretty) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("Version", doc.version());
        if (doc.id() != null) {
            root.put("Id", doc.id());
        }
        ArrayNode statements = root.putArray("Statement");
        for (Statement s : doc.statements()) {
            statements.add(statementNode(s));
        }
        try {
            return (pretty ? PRETTY : MAPPER).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write policy JSON", e);
        }
    }

    static String writeStatement(Statement s) {
        try {
            return MAPPER.writeValueAsString(statementNode(s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write policy JSON", e);
        }
    }

    private static ObjectNode statementNode(Statement s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (s.sid() != null) {
            n.put("Sid", s.sid());
        }
        n.put("Effect", s.effect().json());
        if (s.principal() != null) {
            n.set("Principal", principalNode(s.principal()));
        }
        if (s.notPrincipal() != null) {
            n.set("NotPrincipal", principalNode(s.notPrincipal()));
        }
        putList(n, "Action", s.actions());
        putList(n, "NotAction", s.notActions());
        putList(n, "Resource", s.resources());
        putList(n, "NotResource", s.notResources());
        if (!s.conditions().isEmpty()) {
            ObjectNode c = n.putObject("Condition");
            for (PolicyCondition pc : s.conditions()) {
                ObjectNode op = c.has(pc.operator()) ? (ObjectNode) c.get(pc.operator()) : c.putObject(pc.operator());
                putList(op, pc.key(), pc.values());
            }
        }
        return n;
    }

    private static JsonNode principalNode(PolicyPrincipal p) {
        if (p.wildcard()) {
            return JsonNodeFactory.instance.textNode("*");
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        p.byType().forEach((type, values) -> putList(n, type, values));
        return n;
    }

    private static void putList(ObjectNode n, String field, @Nullable List<String> values) {
        if (values == null) {
            return;
        }
        if (values.size() == 1) {
            n.put(field, values.get(0));
        } else {
            ArrayNode a = n.putArray(field);
            values.forEach(a::add);
        }
    }

    /** Parses one document, remembering its name for messages. */
    private static final class Parser {
        private final @Nullable String name;

        Parser(@Nullable String name) {
            this.name = name;
        }

        String prefix() {
            return "invalid IAM policy" + (name == null ? "" : " " + name) + ": ";
        }

        PolicyParseException error(@Nullable Integer index, @Nullable String sid, @Nullable String field,
                                   String problem) {
            StringBuilder where = new StringBuilder();
            if (index != null) {
                where.append("Statement[").append(index).append(']');
                if (sid != null) {
                    where.append(" (Sid \"").append(sid).append("\")");
                }
            }
            if (field != null) {
                if (where.length() > 0) {
                    where.append(", field ");
                } else {
                    where.append("field ");
                }
                where.append(field);
            }
            String msg = prefix() + (where.length() > 0 ? where + ": " : "") + problem;
            return new PolicyParseException(msg, index, field);
        }

        PolicyParseException error(@Nullable Integer index, @Nullable String field, String problem) {
            return error(index, null, field, problem);
        }

        PolicyDocument document(JsonNode root) {
            if (!root.isObject()) {
                throw error(null, null, "the document is a JSON " + kind(root)
                        + "; an IAM policy is a JSON object with Version and Statement");
            }
            checkFields(root, DOCUMENT_FIELDS, null, null);
            String version = PolicyDocument.VERSION_2008; // what IAM assumes when Version is missing
            JsonNode v = root.get("Version");
            if (v != null) {
                if (!v.isTextual() || !(PolicyDocument.VERSION_2012.equals(v.asText())
                        || PolicyDocument.VERSION_2008.equals(v.asText()))) {
                    throw error(null, "Version", "'" + v.asText() + "' is not a policy language version; use \""
                            + PolicyDocument.VERSION_2012 + "\"");
                }
                version = v.asText();
            }
            String id = null;
            JsonNode idNode = root.get("Id");
            if (idNode != null) {
                if (!idNode.isTextual()) {
                    throw error(null, "Id", "must be a string");
                }
                id = idNode.asText();
            }
            JsonNode st = root.get("Statement");
            if (st == null) {
                throw error(null, "Statement", "missing; add \"Statement\": [ { \"Effect\": ..., \"Action\": ..., "
                        + "\"Resource\": ... } ]");
            }
            List<Statement> statements = new ArrayList<>();
            if (st.isObject()) {
                statements.add(statement(0, st));
            } else if (st.isArray()) {
                if (st.isEmpty()) {
                    throw error(null, "Statement", "is empty; a policy needs at least one statement");
                }
                for (int i = 0; i < st.size(); i++) {
                    statements.add(statement(i, st.get(i)));
                }
            } else {
                throw error(null, "Statement", "is a JSON " + kind(st) + "; write a statement object or a list of them");
            }
            return new PolicyDocument(version, id, statements);
        }

        Statement statement(int index, JsonNode node) {
            if (!node.isObject()) {
                throw error(index, null, "is a JSON " + kind(node) + "; a statement is a JSON object");
            }
            String sid = null;
            JsonNode sidNode = node.get("Sid");
            if (sidNode != null) {
                if (!sidNode.isTextual()) {
                    throw error(index, "Sid", "must be a string");
                }
                sid = sidNode.asText();
            }
            checkFields(node, STATEMENT_FIELDS, index, sid);
            JsonNode e = node.get("Effect");
            if (e == null) {
                throw error(index, sid, "Effect", "missing; add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
            }
            Effect effect = e.isTextual() ? Effect.fromJson(e.asText()) : null;
            if (effect == null) {
                throw error(index, sid, "Effect", "'" + e.asText() + "' is not an effect; write \"Allow\" or \"Deny\""
                        + " (case-sensitive)");
            }
            if (node.has("Action") == node.has("NotAction")) {
                throw error(index, sid, node.has("Action") ? "Action" : null, node.has("Action")
                        ? "a statement has Action or NotAction, not both"
                        : "missing; add \"Action\" (or \"NotAction\")");
            }
            if (node.has("Resource") && node.has("NotResource")) {
                throw error(index, sid, "Resource", "a statement has Resource or NotResource, not both");
            }
            if (node.has("Principal") && node.has("NotPrincipal")) {
                throw error(index, sid, "Principal", "a statement has Principal or NotPrincipal, not both");
            }
            List<String> actions = actions(index, sid, "Action", node.get("Action"));
            List<String> notActions = actions(index, sid, "NotAction", node.get("NotAction"));
            List<String> resources = resources(index, sid, "Resource", node.get("Resource"));
            List<String> notResources = resources(index, sid, "NotResource", node.get("NotResource"));
            PolicyPrincipal principal = principal(index, sid, "Principal", node.get("Principal"));
            PolicyPrincipal notPrincipal = principal(index, sid, "NotPrincipal", node.get("NotPrincipal"));
            List<PolicyCondition> conditions = conditions(index, sid, node.get("Condition"));
            return new Statement(sid, effect, actions, notActions, resources, notResources, principal, notPrincipal,
                    conditions);
        }

        void checkFields(JsonNode node, List<String> allowed, @Nullable Integer index, @Nullable String sid) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String f = names.next();
                if (allowed.contains(f)) {
                    continue;
                }
                String hint = "";
                for (String a : allowed) {
                    if (a.equalsIgnoreCase(f) || (a + "s").equalsIgnoreCase(f)) {
                        hint = "; did you mean \"" + a + "\"? (element names are case-sensitive)";
                    }
                }
                throw error(index, sid, f, "unknown element \"" + f + "\"" + hint + "; allowed: "
                        + String.join(", ", allowed));
            }
        }

        @Nullable List<String> strings(@Nullable Integer index, @Nullable String sid, String field,
                                       @Nullable JsonNode n) {
            if (n == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            if (n.isTextual()) {
                out.add(n.asText());
            } else if (n.isArray()) {
                if (n.isEmpty()) {
                    throw error(index, sid, field, "is an empty list; list at least one value");
                }
                for (JsonNode item : n) {
                    if (!item.isTextual()) {
                        throw error(index, sid, field, "contains a JSON " + kind(item) + "; every value must be a string");
                    }
                    out.add(item.asText());
                }
            } else {
                throw error(index, sid, field, "is a JSON " + kind(n) + "; write a string or a list of strings");
            }
            return out;
        }

        @Nullable List<String> actions(int index, @Nullable String sid, String field, @Nullable JsonNode n) {
            List<String> out = strings(index, sid, field, n);
            if (out != null) {
                for (String a : out) {
                    if (!ACTION.matcher(a).matches()) {
                        throw error(index, sid, field, "'" + a + "' is not an action; write service:Action such as "
                                + "s3:GetObject, a pattern such as s3:Get*, or *");
                    }
                }
            }
            return out;
        }

        @Nullable List<String> resources(int index, @Nullable String sid, String field, @Nullable JsonNode n) {
            List<String> out = strings(index, sid, field, n);
            if (out != null) {
                for (String r : out) {
                    if (!r.equals("*") && !r.startsWith("arn:")) {
                        throw error(index, sid, field, "'" + r + "' is not an ARN; write an ARN such as "
                                + "arn:aws:s3:::my-bucket/*, or *");
                    }
                }
            }
            return out;
        }

        @Nullable PolicyPrincipal principal(int index, @Nullable String sid, String field, @Nullable JsonNode n) {
            if (n == null) {
                return null;
            }
            if (n.isTextual()) {
                if (!"*".equals(n.asText())) {
                    throw error(index, sid, field, "'" + n.asText() + "' is not a principal; write \"*\" or an object "
                            + "such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}");
                }
                return PolicyPrincipal.any();
            }
            if (!n.isObject() || n.isEmpty()) {
                throw error(index, sid, field, "write \"*\" or an object such as {\"AWS\": "
                        + "\"arn:aws:iam::111122223333:root\"}");
            }
            Map<String, List<String>> byType = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!PolicyPrincipal.TYPES.contains(e.getKey())) {
                    throw error(index, sid, field, "unknown principal type \"" + e.getKey() + "\"; use one of "
                            + String.join(", ", PolicyPrincipal.TYPES));
                }
                byType.put(e.getKey(), strings(index, sid, field + "." + e.getKey(), e.getValue()));
            }
            return new PolicyPrincipal(false, byType);
        }

        List<PolicyCondition> conditions(int index, @Nullable String sid, @Nullable JsonNode n) {
            if (n == null) {
                return List.of();
            }
            if (!n.isObject()) {
                throw error(index, sid, "Condition", "is a JSON " + kind(n) + "; write {\"Operator\": {\"key\": "
                        + "\"value\"}}");
            }
            List<PolicyCondition> out = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> ops = n.properties().iterator();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> op = ops.next();
                String field = "Condition." + op.getKey();
                if (!op.getValue().isObject() || op.getValue().isEmpty()) {
                    throw error(index, sid, field, "write {\"condition-key\": \"value\"} under the operator");
                }
                Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().properties().iterator();
                while (keys.hasNext()) {
                    Map.Entry<String, JsonNode> k = keys.next();
                    String kf = field + "." + k.getKey();
                    List<String> values = new ArrayList<>();
                    JsonNode v = k.getValue();
                    if (v.isArray()) {
                        if (v.isEmpty()) {
                            throw error(index, sid, kf, "is an empty list; list at least one value");
                        }
                        for (JsonNode item : v) {
                            values.add(scalar(index, sid, kf, item));
                        }
                    } else {
                        values.add(scalar(index, sid, kf, v));
                    }
                    out.add(new PolicyCondition(op.getKey(), k.getKey(), values));
                }
            }
            return out;
        }

        String scalar(int index, @Nullable String sid, String field, JsonNode v) {
            if (v.isTextual() || v.isNumber() || v.isBoolean()) {
                return v.asText();
            }
            throw error(index, sid, field, "contains a JSON " + kind(v) + "; condition values are strings, numbers "
                    + "or booleans");
        }

        private static String kind(JsonNode n) {
            return n.getNodeType().name().toLowerCase(Locale.ROOT);
        }
    }

}
