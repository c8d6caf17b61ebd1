package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stateful stand-in for a service's REST API inside WireMock: stubs that name it ({@code withTransformers(name)})
 * are answered by {@link #answer}, which keeps the service's state as the real one would. Error answers of the
 * service are plain WireMock stubs at a higher priority, so a test can make any call fail as documented.
 */
abstract class FakeApi implements ResponseDefinitionTransformerV2 {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request: method, decoded path segments after the prefix, query, JSON body, the auth header. */
    record Call(String method, String path, Map<String, String> query, JsonNode body, String token) {
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public final ResponseDefinition transform(ServeEvent event) {
        var r = event.getRequest();
        String url = r.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        Map<String, String> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        JsonNode body;
        try {
            body = r.getBody().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.getBody());
        } catch (java.io.IOException e) {
            return json(400, "{\"message\":\"Problems parsing JSON\"}");
        }
        synchronized (this) {
            return answer(new Call(r.getMethod().getName(), path, query, body, r.getHeader(tokenHeader())));
        }
    }

    /** The header the service reads its token from. */
    abstract String tokenHeader();

    abstract ResponseDefinition answer(Call call);

    static ResponseDefinition json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body).build();
    }

    static ResponseDefinition json(int status, JsonNode body) {
        return json(status, body.toString());
    }

    static ResponseDefinition empty(int status) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).build();
    }

    static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
