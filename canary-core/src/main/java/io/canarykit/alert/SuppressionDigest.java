package io.canarykit.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryRecord;
import io.canarykit.Classification;
import io.canarykit.Sighting;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What suppression rules held back in one period: every suppressed sighting, with its canary, the rule and its
 * classification. Sent to the digest sinks once per period (claimed in the store, like alerts).
 *
 * @param periodStart the period's start (inclusive)
 * @param periodEnd   its end (exclusive)
 * @param items       every suppressed sighting of the period, in time order
 *
 * @since 0.1.0
 */
public record SuppressionDigest(Instant periodStart, Instant periodEnd, List<Item> items) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One suppressed sighting.
     *
     * @since 0.1.0
     */
    public record Item(CanaryRecord canary, Sighting sighting, String rule, Classification classification) {
        public Item {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(sighting, "sighting");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(classification, "classification");
        }
    }

    public SuppressionDigest {
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(periodEnd, "periodEnd");
        items = List.copyOf(items);
    }

    /** The digest's id (its idempotency key): {@code digest-<period start>}. */
    public String id() {
        return "digest-" + periodStart;
    }

    /** How many sightings each rule held back. */
    public Map<String, Integer> countsByRule() {
        Map<String, Integer> out = new TreeMap<>();
        items.forEach(i -> out.merge(i.rule(), 1, Integer::sum));
        return out;
    }

    /** The digest as JSON: {@code {"type":"DIGEST","digestId","periodStart","periodEnd","suppressed","byRule","sightings":[…]}}. */
    public ObjectNode toTree() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", "DIGEST");
        o.put("digestId", id());
        o.put("periodStart", periodStart.toString());
        o.put("periodEnd", periodEnd.toString());
        o.put("suppressed", items.size());
        ObjectNode byRule = o.putObject("byRule");
        countsByRule().forEach(byRule::put);
        ArrayNode list = o.putArray("sightings");
        for (Item i : items) {
            ObjectNode n = list.addObject();
            n.put("canaryId", i.canary().id().value());
            n.put("asset", i.canary().asset().ref());
            n.put("rule", i.rule());
            n.set("classification", AlertJson.classification(i.classification()));
            n.set("sighting", AlertJson.sighting(i.sighting()));
        }
        return o;
    }

    /** A short text for chat and logs: the period, the total, the count per rule, and the first sightings. */
    public String summary(int listAtMost) {
        StringBuilder sb = new StringBuilder("canarykit digest " + periodStart + " .. " + periodEnd + ": "
                + items.size() + " suppressed sighting(s), stored and listed here");
        countsByRule().forEach((rule, n) -> sb.append("\n  rule ").append(rule).append(": ").append(n));
        for (int k = 0; k < Math.min(listAtMost, items.size()); k++) {
            Item i = items.get(k);
            sb.append("\n  ").append(i.sighting().time()).append(' ').append(i.canary().asset().ref()).append(' ')
                    .append(i.sighting().service()).append(' ').append(i.sighting().call()).append(" from ")
                    .append(i.sighting().sourceIp()).append(" (").append(i.rule()).append(')');
        }
        if (items.size() > listAtMost) {
            sb.append("\n  and ").append(items.size() - listAtMost).append(" more (all in the JSON digest and the store)");
        }
        return sb.toString();
    }
}
