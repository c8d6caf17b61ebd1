package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * CloudTrail over AWS JSON 1.1: LookupEvents (one attribute, 50 per page, NextToken bound to the request's
 * parameters, newest first, management events of the caller's account in the signing region) and the trail
 * description calls an attacker makes to find out whether it is watched.
 */
final class CloudTrailApi {
    private static final Set<String> ATTRIBUTES = Set.of("EventId", "EventName", "ReadOnly", "Username",
            "ResourceType", "ResourceName", "EventSource", "AccessKeyId");
    private static final Duration RETENTION = Duration.ofDays(90);

    private final Engine engine;

    CloudTrailApi(Engine engine) {
        this.engine = engine;
    }

    Reply handle(Call c) {
        return switch (c.op()) {
            case "LookupEvents" -> lookupEvents(c);
            case "DescribeTrails" -> describeTrails(c);
            case "ListTrails" -> listTrails(c);
            case "GetTrailStatus" -> getTrailStatus(c);
            default -> {
                c.authorize("cloudtrail:" + c.op(), "*");
                yield Wire.json(c.req, "{}", c.requestId);
            }
        };
    }

    private static JsonNode body(Call c) {
        try {
            JsonNode n = c.req.body.length == 0 ? null : Wire.JSON.readTree(c.req.body);
            return n == null ? Wire.JSON.createObjectNode() : n;
        } catch (Exception e) {
            throw new ApiError("SerializationException", 400, "Unable to parse the request body");
        }
    }

    private Reply lookupEvents(Call c) {
        c.authorize("cloudtrail:LookupEvents", "*");
        JsonNode in = body(c);
        JsonNode attrs = in.get("LookupAttributes");
        String key = null;
        String value = null;
        LookupAttribute lookup = null;
        if (attrs != null && attrs.isArray() && !attrs.isEmpty()) {
            if (attrs.size() > 1) {
                throw new ApiError("InvalidLookupAttributesException", 400,
                        "You cannot specify more than one lookup attribute per request.");
            }
            key = attrs.get(0).path("AttributeKey").asText(null);
            value = attrs.get(0).path("AttributeValue").asText(null);
            if (key == null || !ATTRIBUTES.contains(key)) {
                throw new ApiError("InvalidLookupAttributesException", 400, "Invalid attribute key: " + key);
            }
            if (value == null || value.isEmpty() || value.length() > 2000) {
                throw new ApiError("InvalidLookupAttributesException", 400,
                        "Attribute value must be between 1 and 2000 characters.");
            }
            lookup = new LookupAttribute(key, value);
        }
        JsonNode category = in.get("EventCategory");
        if (category != null && !category.isNull()) {
            if (!"insight".equals(category.asText())) {
                throw new ApiError("InvalidEventCategoryException", 400, "Event category must be insight.");
            }
            return Wire.json(c.req, "{\"Events\":[]}", c.requestId);
        }
        Instant end = time(in.get("EndTime"), c.now);
        Instant start = time(in.get("StartTime"), c.now.minus(RETENTION));
        if (start.isAfter(end)) {
            throw new ApiError("InvalidTimeRangeException", 400, "Start time must be before end time.");
        }
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : 50;
        if (max < 1 || max > 50) {
            throw new ApiError("InvalidMaxResultsException", 400, "MaxResults must be between 1 and 50.");
        }
        String fingerprint = Trail.md5((key + "\u0000" + value + "\u0000" + text(in.get("StartTime")) + "\u0000"
                + text(in.get("EndTime"))).getBytes(StandardCharsets.UTF_8));
        long afterSeq = Long.MAX_VALUE;
        boolean paging = false;
        JsonNode tokenNode = in.get("NextToken");
        if (tokenNode != null && !tokenNode.isNull()) {
            afterSeq = readToken(tokenNode.asText(), fingerprint);
            paging = true;
        }
        Instant oldest = c.now.minus(RETENTION);
        List<Trail.Entry> visible = engine.trail.visible(c.accountId(), c.region, c.now);
        ArrayNode events = Wire.JSON.createArrayNode();
        boolean passedToken = !paging;
        Trail.Entry last = null;
        boolean more = false;
        for (Trail.Entry e : visible) {
            TrailRecord r = e.record();
            if (!passedToken) {
                if (e.seq() == afterSeq) {
                    passedToken = true;
                }
                continue;
            }
            if (r.eventTime().isBefore(start) || r.eventTime().isAfter(end) || r.eventTime().isBefore(oldest)
                    || !matches(r, lookup)) {
                continue;
            }
            if (events.size() == max) {
                more = true;
                break;
            }
            events.add(event(r));
            last = e;
        }
        ObjectNode out = Wire.JSON.createObjectNode();
        out.set("Events", events);
        if (more && last != null) {
            out.put("NextToken", token(fingerprint, last.seq()));
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }

    private static Instant time(JsonNode n, Instant dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isNumber()) {
            BigDecimal seconds = n.decimalValue();
            long s = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(s)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(s, nanos);
        }
        try {
            return Instant.parse(n.asText());
        } catch (RuntimeException e) {
            throw new ApiError("InvalidTimeRangeException", 400, "Invalid time: " + n.asText());
        }
    }

    /** The one LookupAttributes entry LookupEvents allows. */
    private record LookupAttribute(String key, String value) {
    }

    private static boolean matches(TrailRecord r, @Nullable LookupAttribute lookup) {
        if (lookup == null) {
            return true;
        }
        String value = lookup.value();
        return switch (lookup.key()) {
            case "EventId" -> value.equals(r.eventId());
            case "EventName" -> value.equals(r.eventName());
            case "ReadOnly" -> value.equals(Boolean.toString(r.readOnly()));
            case "Username" -> value.equals(r.username());
            case "EventSource" -> value.equals(r.eventSource());
            case "AccessKeyId" -> value.equals(r.accessKeyId());
            case "ResourceType" -> r.resources().stream().anyMatch(x -> x.type().equals(value));
            case "ResourceName" -> r.resources().stream().anyMatch(x -> x.name().equals(value));
            default -> false;
        };
    }

    private static ObjectNode event(TrailRecord r) {
        ObjectNode e = Wire.JSON.createObjectNode();
        e.put("EventId", r.eventId());
        e.put("EventName", r.eventName());
        e.put("ReadOnly", Boolean.toString(r.readOnly()));
        e.put("AccessKeyId", r.accessKeyId());
        e.put("EventTime", r.eventTime().getEpochSecond());
        e.put("EventSource", r.eventSource());
        e.put("Username", r.username());
        ArrayNode res = e.putArray("Resources");
        for (TrailRecord.Resource x : r.resources()) {
            res.addObject().put("ResourceType", x.type()).put("ResourceName", x.name());
        }
        e.put("CloudTrailEvent", r.json());
        return e;
    }

    private static String token(String fingerprint, long seq) {
        return Base64.getEncoder().encodeToString((fingerprint + ":" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static long readToken(String token, String fingerprint) {
        try {
            String raw = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            if (colon < 0 || !raw.substring(0, colon).equals(fingerprint)) {
                throw new ApiError("InvalidNextTokenException", 400, "Invalid NextToken");
            }
            return Long.parseLong(raw.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new ApiError("InvalidNextTokenException", 400, "Invalid NextToken");
        }
    }

    private ObjectNode trail(Call c) {
        Settings s = engine.settings;
        ObjectNode t = Wire.JSON.createObjectNode();
        t.put("Name", s.trailName());
        t.put("S3BucketName", s.trailBucket());
        t.put("IncludeGlobalServiceEvents", true);
        t.put("IsMultiRegionTrail", true);
        t.put("HomeRegion", "us-east-1");
        t.put("TrailARN", trailArn());
        t.put("LogFileValidationEnabled", false);
        t.put("HasCustomEventSelectors", false);
        t.put("HasInsightSelectors", false);
        t.put("IsOrganizationTrail", s.organizationTrail());
        return t;
    }

    private String trailArn() {
        return "arn:aws:cloudtrail:us-east-1:" + engine.settings.managementAccount() + ":trail/" + engine.settings.trailName();
    }

    private boolean seesTrail(Call c) {
        return c.accountId().equals(engine.settings.managementAccount()) || engine.settings.organizationTrail();
    }

    private Reply describeTrails(Call c) {
        c.authorize("cloudtrail:DescribeTrails", "*");
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode list = out.putArray("trailList");
        if (seesTrail(c)) {
            list.add(trail(c));
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply listTrails(Call c) {
        c.authorize("cloudtrail:ListTrails", "*");
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode list = out.putArray("Trails");
        if (seesTrail(c)) {
            list.addObject().put("TrailARN", trailArn()).put("Name", engine.settings.trailName())
                    .put("HomeRegion", "us-east-1");
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply getTrailStatus(Call c) {
        c.authorize("cloudtrail:GetTrailStatus", trailArn());
        String name = body(c).path("Name").asText("");
        if (!seesTrail(c) || !(name.equals(engine.settings.trailName()) || name.equals(trailArn()))) {
            throw new ApiError("TrailNotFoundException", 400, "Unknown trail: " + name + " for the user: " + c.accountId());
        }
        ObjectNode out = Wire.JSON.createObjectNode();
        out.put("IsLogging", true);
        out.put("StartLoggingTime", engine.trail.bucketCreated.getEpochSecond());
        return Wire.json(c.req, out.toString(), c.requestId);
    }
}
