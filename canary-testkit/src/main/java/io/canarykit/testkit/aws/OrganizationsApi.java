package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * AWS Organizations over AWS JSON 1.1 ({@code AWSOrganizationsV20161128.*}): DescribeOrganization, ListRoots,
 * ListOrganizationalUnitsForParent, ListAccounts, ListAccountsForParent and ListTagsForResource, for the management
 * account only (a member account gets {@code AccessDeniedException}, as in AWS without delegated administration).
 * Lists are paged with {@code MaxResults} (1-20, default 20) and an opaque {@code NextToken} bound to the operation
 * and its parent.
 */
final class OrganizationsApi {
    private static final int MAX_PAGE = 20;

    private final Engine engine;

    OrganizationsApi(Engine engine) {
        this.engine = engine;
    }

    Reply handle(Call c) {
        Organization org = engine.organization;
        if (!c.accountId().equals(org.managementAccount)) {
            c.authorize("organizations:" + c.op(), "*");
            throw new ApiError("AccessDeniedException", 400,
                    "You don't have permissions to access this resource.");
        }
        JsonNode in = body(c);
        return switch (c.op()) {
            case "DescribeOrganization" -> describeOrganization(c, org);
            case "ListRoots" -> listRoots(c, org, in);
            case "ListOrganizationalUnitsForParent" -> listUnits(c, org, in);
            case "ListAccounts" -> listAccounts(c, org, in, null);
            case "ListAccountsForParent" -> listAccounts(c, org, in, parent(org, in));
            case "ListTagsForResource" -> listTags(c, org, in);
            default -> {
                c.authorize("organizations:" + c.op(), "*");
                throw new ApiError("UnknownOperationException", 400, "The emulator does not implement organizations:"
                        + c.op() + ".");
            }
        };
    }

    private Reply describeOrganization(Call c, Organization org) {
        c.authorize("organizations:DescribeOrganization", "*");
        ObjectNode out = Wire.JSON.createObjectNode();
        ObjectNode o = out.putObject("Organization");
        o.put("Id", org.id);
        o.put("Arn", "arn:aws:organizations::" + org.managementAccount + ":organization/" + org.id);
        o.put("FeatureSet", "ALL");
        o.put("MasterAccountArn", org.accountArn(org.managementAccount));
        o.put("MasterAccountId", org.managementAccount);
        o.put("MasterAccountEmail", Objects.requireNonNull(org.members.get(org.managementAccount),
                "the management account is a member of its organisation").email());
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply listRoots(Call c, Organization org, JsonNode in) {
        c.authorize("organizations:ListRoots", "*");
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode roots = out.putArray("Roots");
        ObjectNode r = roots.addObject();
        r.put("Id", org.root.id());
        r.put("Arn", org.unitArn(org.root));
        r.put("Name", org.root.name());
        r.putArray("PolicyTypes");
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply listUnits(Call c, Organization org, JsonNode in) {
        Organization.Unit parent = parent(org, in);
        c.authorize("organizations:ListOrganizationalUnitsForParent", "*");
        List<Organization.Unit> children = new ArrayList<>();
        for (Organization.Unit u : org.units.values()) {
            if (parent.id().equals(u.parentId())) {
                children.add(u);
            }
        }
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode arr = out.putArray("OrganizationalUnits");
        page(c, in, "units/" + parent.id(), children, out, u -> {
            ObjectNode o = arr.addObject();
            o.put("Id", u.id());
            o.put("Arn", org.unitArn(u));
            o.put("Name", u.name());
        });
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply listAccounts(Call c, Organization org, JsonNode in, Organization.@Nullable Unit parent) {
        c.authorize(parent == null ? "organizations:ListAccounts" : "organizations:ListAccountsForParent", "*");
        List<Organization.Member> members = new ArrayList<>();
        for (Organization.Member m : org.members.values()) {
            if (parent == null || parent.id().equals(m.parentId())) {
                members.add(m);
            }
        }
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode arr = out.putArray("Accounts");
        page(c, in, parent == null ? "accounts" : "accounts/" + parent.id(), members, out, m -> {
            ObjectNode o = arr.addObject();
            o.put("Id", m.accountId());
            o.put("Arn", org.accountArn(m.accountId()));
            o.put("Email", m.email());
            o.put("Name", m.name());
            o.put("Status", m.status());
            o.put("State", "PENDING_CLOSURE".equals(m.status()) ? "PENDING_CLOSURE" : m.status());
            o.put("JoinedMethod", m.accountId().equals(org.managementAccount) ? "INVITED" : "CREATED");
            o.put("JoinedTimestamp", m.joined().getEpochSecond());
        });
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply listTags(Call c, Organization org, JsonNode in) {
        String id = in.path("ResourceId").asText(null);
        if (id == null || id.isEmpty()) {
            throw new ApiError("InvalidInputException", 400, "You provided a value that does not match the required "
                    + "pattern.");
        }
        c.authorize("organizations:ListTagsForResource", "*");
        Organization.Member m = org.members.get(id);
        if (m == null) {
            throw new ApiError("TargetNotFoundException", 400, "We can't find a resource that matches the specified "
                    + "ID: " + id);
        }
        List<Map.Entry<String, String>> tags = new ArrayList<>(m.tags().entrySet());
        tags.sort(Map.Entry.comparingByKey());
        ObjectNode out = Wire.JSON.createObjectNode();
        ArrayNode arr = out.putArray("Tags");
        page(c, in, "tags/" + id, tags, out, t -> arr.addObject().put("Key", t.getKey()).put("Value", t.getValue()));
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private static Organization.Unit parent(Organization org, JsonNode in) {
        String id = in.path("ParentId").asText(null);
        if (id == null || id.isEmpty()) {
            throw new ApiError("InvalidInputException", 400, "You must specify a value for ParentId.");
        }
        Organization.Unit u = org.units.get(id);
        if (u == null) {
            throw new ApiError("ParentNotFoundException", 400, "We can't find a root or OU with the ParentId that you "
                    + "specified.");
        }
        return u;
    }

    /** Emits one page of {@code items} and sets {@code NextToken} when more follow. */
    private static <T> void page(Call c, JsonNode in, String scope, List<T> items, ObjectNode out,
                                 Consumer<T> emit) {
        int max = in.has("MaxResults") ? in.get("MaxResults").asInt() : MAX_PAGE;
        if (max < 1 || max > MAX_PAGE) {
            throw new ApiError("InvalidInputException", 400, "MaxResults must be between 1 and 20.");
        }
        int from = 0;
        JsonNode token = in.get("NextToken");
        if (token != null && !token.isNull()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(token.asText()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int bar = decoded.lastIndexOf('|');
            if (bar < 0 || !decoded.substring(0, bar).equals(scope)) {
                throw new ApiError("InvalidInputException", 400, "The NextToken is not valid for this request.");
            }
            try {
                from = Integer.parseInt(decoded.substring(bar + 1));
            } catch (NumberFormatException e) {
                throw new ApiError("InvalidInputException", 400, "The NextToken is not valid for this request.");
            }
        }
        int to = Math.min(items.size(), from + max);
        for (int i = from; i < to; i++) {
            emit.accept(items.get(i));
        }
        if (to < items.size()) {
            out.put("NextToken", Base64.getEncoder().encodeToString((scope + "|" + to).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static JsonNode body(Call c) {
        try {
            JsonNode n = c.req.body.length == 0 ? null : Wire.JSON.readTree(c.req.body);
            return n == null ? Wire.JSON.createObjectNode() : n;
        } catch (Exception e) {
            throw new ApiError("SerializationException", 400, "Unable to parse the request body");
        }
    }
}
