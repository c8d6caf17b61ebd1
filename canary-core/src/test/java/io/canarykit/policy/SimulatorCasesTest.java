package io.canarykit.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator against the table in {@code simulator-cases.json}: AWS's documented examples (policy evaluation
 * logic, NotAction, NotResource, condition operators, multi-valued keys, resource-based policies and implicit denies)
 * and our own cases (traps, boundary and session intersections, SCPs, conditions). Each case names the policies by
 * role, the request, and the expected decision with the deciding policy and statement.
 */
class SimulatorCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PolicySimulator SIM = PolicySimulator.create(
            Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));

    static JsonNode cases() throws IOException {
        try (InputStream in = SimulatorCasesTest.class.getResourceAsStream("simulator-cases.json")) {
            return JSON.readTree(in);
        }
    }

    @Test
    void theTableHasAtLeastSixtyCasesOfOurOwnBesidesAwsExamples() throws IOException {
        int ours = 0;
        for (JsonNode c : cases()) {
            if (!c.get("name").asText().contains("AWS")) {
                ours++;
            }
        }
        assertThat(ours).isGreaterThanOrEqualTo(60);
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) {
        Policies policies = policies(c);
        AccessRequest request = request(c.get("request"));
        Decision d = SIM.evaluate(policies, request);
        JsonNode e = c.get("expect");
        String why = c.get("name").asText() + " -> " + d;
        assertThat(d.outcome()).as(why).isEqualTo(e.get("decision").asText());
        assertThat(d.implicit()).as(why).isEqualTo(e.get("implicit").asBoolean());
        if (e.has("policy")) {
            assertThat(d.decidingPolicy()).as(why).isEqualTo(e.get("policy").isNull() ? null : e.get("policy").asText());
        }
        if (e.hasNonNull("statement")) {
            assertThat(d.decidingStatement()).as(why).isEqualTo(e.get("statement").asText());
        }
        if (d.implicit()) {
            assertThat(d.decidingStatement()).as(why).isNull();
        } else if (d.decidingPolicy() != null) {
            // every allow and explicit deny names its statement, and the JSON quotes it
            assertThat(d.statement()).as(why).isNotNull();
            assertThat(d.reason()).as(why).contains(d.decidingPolicy());
        }
        assertThat(d.toJson()).startsWith("{\"decision\":\"" + d.outcome() + "\",\"implicit\":" + d.implicit()
                + ",\"reason\":");
    }

    static Policies policies(JsonNode c) {
        Policies.Builder b = Policies.builder();
        each(c.get("identity"), b::identityPolicy);
        each(c.get("boundary"), b::boundary);
        each(c.get("session"), b::sessionPolicy);
        each(c.get("resource"), b::resourcePolicy);
        if (c.has("scp")) {
            for (JsonNode level : c.get("scp")) {
                List<NamedPolicy> l = new ArrayList<>();
                each(level, l::add);
                b.serviceControlLevel(l);
            }
        }
        return b.build();
    }

    private static void each(JsonNode named, java.util.function.Consumer<NamedPolicy> sink) {
        if (named == null) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = named.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode doc = e.getValue();
            if (doc.isArray()) {
                ObjectNode wrapped = JSON.createObjectNode();
                wrapped.put("Version", "2012-10-17");
                wrapped.set("Statement", doc);
                doc = wrapped;
            }
            sink.accept(NamedPolicy.parse(e.getKey(), doc.toString()));
        }
    }

    static AccessRequest request(JsonNode r) {
        AccessRequest.Builder b = AccessRequest.builder()
                .principalArn(r.get("principal").asText())
                .action(r.get("action").asText())
                .resource(r.get("resource").asText());
        if (r.has("resourceAccount")) {
            b.resourceAccount(r.get("resourceAccount").asText());
        }
        if (r.has("context")) {
            Iterator<Map.Entry<String, JsonNode>> it = r.get("context").properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> values = new ArrayList<>();
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> values.add(v.asText()));
                } else {
                    values.add(e.getValue().asText());
                }
                b.context(e.getKey(), values);
            }
        }
        return b.build();
    }
}
