package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's CI/CD variables API (v4) as documented: {@code POST /projects/:id/variables} 201 (400 "has already been
 * taken" for a key and scope that exist, 400 "is invalid" for a value that cannot be masked), {@code GET/PUT/DELETE
 * /projects/:id/variables/:key} with {@code filter[environment_scope]} (404 "Variable Not Found"), the same under
 * {@code /groups/:id}; {@code PRIVATE-TOKEN} authentication (401 otherwise).
 */
final class FakeGitLab extends FakeApi {
    static final String TOKEN = "glpat-ZxYwVuTsRqPoNmLkJiHg";
    private static final Pattern PATH = Pattern.compile("/api/v4/(projects|groups)/([^/]+)/variables(?:/([^/]+))?");
    private static final Pattern MASKABLE = Pattern.compile("[A-Za-z0-9+/=@:.~_-]{8,}");

    /** owner|key|scope → variable JSON. */
    final Map<String, ObjectNode> variables = new TreeMap<>();

    @Override
    public String getName() {
        return "fake-gitlab";
    }

    @Override
    String tokenHeader() {
        return "PRIVATE-TOKEN";
    }

    @Override
    ResponseDefinition answer(Call c) {
        if (!TOKEN.equals(c.token())) {
            return json(401, "{\"message\":\"401 Unauthorized\"}");
        }
        Matcher m = PATH.matcher(c.path());
        if (!m.matches()) {
            return json(404, "{\"error\":\"404 Not Found\"}");
        }
        String owner = m.group(1) + ":" + decode(m.group(2));
        if (m.group(3) == null) {
            if (!c.method().equals("POST")) {
                return json(404, "{\"error\":\"404 Not Found\"}");
            }
            String key = c.body().path("key").asText("");
            String scope = c.body().path("environment_scope").asText("*");
            String id = owner + "|" + key + "|" + scope;
            if (variables.containsKey(id)) {
                return json(400, "{\"message\":{\"key\":[\"(" + key + ") has already been taken\"]}}");
            }
            String value = c.body().path("value").asText("");
            if (c.body().path("masked").asBoolean(false) && !MASKABLE.matcher(value).matches()) {
                return json(400, "{\"message\":{\"value\":[\"is invalid\"]}}");
            }
            ObjectNode v = variable(c, key, scope, value);
            variables.put(id, v);
            return json(201, v);
        }
        String key = decode(m.group(3));
        String scope = c.query().getOrDefault("filter[environment_scope]", "*");
        String id = owner + "|" + key + "|" + scope;
        ObjectNode v = variables.get(id);
        if (v == null) {
            return json(404, "{\"message\":\"404 Variable Not Found\"}");
        }
        switch (c.method()) {
            case "GET" -> {
                return json(200, v);
            }
            case "PUT" -> {
                String value = c.body().path("value").asText(v.path("value").asText());
                ObjectNode updated = variable(c, key, scope, value);
                variables.put(id, updated);
                return json(200, updated);
            }
            case "DELETE" -> {
                variables.remove(id);
                return empty(204);
            }
            default -> {
                return json(405, "{\"error\":\"405 Method Not Allowed\"}");
            }
        }
    }

    private static ObjectNode variable(Call c, String key, String scope, String value) {
        ObjectNode v = JSON.createObjectNode();
        v.put("variable_type", c.body().path("variable_type").asText("env_var")).put("key", key).put("value", value)
                .put("protected", c.body().path("protected").asBoolean(false))
                .put("masked", c.body().path("masked").asBoolean(false)).put("hidden", false).put("raw", false)
                .put("environment_scope", scope);
        if (c.body().has("description")) {
            v.put("description", c.body().path("description").asText());
        } else {
            v.putNull("description");
        }
        return v;
    }
}
