package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vault's KV version 2 engine as documented: {@code POST /v1/<mount>/data/<path>} with {@code options.cas} (400
 * "check-and-set parameter did not match the current version"), {@code GET} of the latest version (404
 * {@code {"errors":[]}} when there is none), {@code POST/GET /v1/<mount>/metadata/<path>} for custom metadata,
 * {@code DELETE /v1/<mount>/metadata/<path>} removing every version; {@code X-Vault-Token} (403 "permission
 * denied" otherwise). Mounts {@code secret} and {@code kv} exist.
 */
final class FakeVault extends FakeApi {
    static final String TOKEN = "hvs.CAESIJzkR0bxzQhvPcd0x4rG2aTQkQ3";
    private static final Pattern PATH = Pattern.compile("/v1/([^/]+)/(data|metadata)/(.+)");
    private static final Set<String> MOUNTS = Set.of("secret", "kv");

    static final class Entry {
        final List<Map<String, String>> versions = new ArrayList<>();
        final Map<String, String> customMetadata = new LinkedHashMap<>();
    }

    /** mount/path → entry. */
    final Map<String, Entry> entries = new TreeMap<>();
    String namespaceSeen;

    @Override
    public String getName() {
        return "fake-vault";
    }

    @Override
    String tokenHeader() {
        return "X-Vault-Token";
    }

    @Override
    ResponseDefinition answer(Call c) {
        if (!TOKEN.equals(c.token())) {
            return json(403, "{\"errors\":[\"permission denied\"]}");
        }
        Matcher m = PATH.matcher(c.path());
        if (!m.matches() || !MOUNTS.contains(m.group(1))) {
            return json(404, "{\"errors\":[\"no handler for route \\\"" + c.path().replace("/v1/", "")
                    + "\\\". route entry not found.\"]}");
        }
        StringBuilder key = new StringBuilder(m.group(1));
        for (String seg : m.group(3).split("/")) {
            key.append('/').append(decode(seg));
        }
        String id = key.toString();
        Entry e = entries.get(id);
        boolean data = m.group(2).equals("data");
        switch (c.method()) {
            case "POST", "PUT" -> {
                if (!data) {
                    if (e == null) {
                        e = new Entry();
                        entries.put(id, e);
                    }
                    Entry target = e;
                    c.body().path("custom_metadata").properties().forEach(p -> target.customMetadata.put(p.getKey(),
                            p.getValue().asText()));
                    return empty(204);
                }
                int current = e == null ? 0 : e.versions.size();
                JsonNode cas = c.body().path("options").path("cas");
                if (!cas.isMissingNode() && cas.asInt(-1) != current) {
                    return json(400, "{\"errors\":[\"check-and-set parameter did not match the current version\"]}");
                }
                if (e == null) {
                    e = new Entry();
                    entries.put(id, e);
                }
                Map<String, String> d = new LinkedHashMap<>();
                c.body().path("data").properties().forEach(p -> d.put(p.getKey(), p.getValue().asText()));
                e.versions.add(d);
                return json(200, "{\"request_id\":\"5e3a4c68-1d5b-7c2e-0a4e-6d3b0f0c9b1a\",\"lease_id\":\"\","
                        + "\"renewable\":false,\"lease_duration\":0,\"data\":{\"created_time\":\"2026-05-01T12:00:00Z\","
                        + "\"custom_metadata\":null,\"deletion_time\":\"\",\"destroyed\":false,\"version\":"
                        + e.versions.size() + "},\"wrap_info\":null,\"warnings\":null,\"auth\":null}");
            }
            case "GET" -> {
                if (e == null || e.versions.isEmpty() && data) {
                    return json(404, "{\"errors\":[]}");
                }
                ObjectNode out = JSON.createObjectNode();
                ObjectNode d = out.putObject("data");
                if (data) {
                    ObjectNode values = d.putObject("data");
                    e.versions.get(e.versions.size() - 1).forEach(values::put);
                    d.putObject("metadata").put("created_time", "2026-05-01T12:00:00Z").put("deletion_time", "")
                            .put("destroyed", false).put("version", e.versions.size());
                } else {
                    d.put("current_version", e.versions.size());
                    ObjectNode cm = d.putObject("custom_metadata");
                    e.customMetadata.forEach(cm::put);
                }
                return json(200, out);
            }
            case "DELETE" -> {
                if (data) {
                    return json(405, "{\"errors\":[\"soft deletes are not emulated\"]}");
                }
                entries.remove(id);
                return empty(204);
            }
            default -> {
                return json(405, "{\"errors\":[\"unsupported operation\"]}");
            }
        }
    }
}
