package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.io.IOException;
import java.util.Collections;

import org.jspecify.annotations.Nullable;

/**
 * AWS Systems Manager Parameter Store, as far as placements use it: {@code PutParameter} (create with tags, or
 * overwrite), {@code GetParameter} (a {@code SecureString} is answered decrypted only {@code WithDecryption}),
 * {@code GetParameterHistory}, {@code DescribeParameters}, {@code DeleteParameter}, {@code ListTagsForResource},
 * {@code AddTagsToResource}, {@code RemoveTagsFromResource}, with AWS's name rules (fully qualified hierarchies of at
 * most 15 levels, no {@code aws}/{@code ssm} prefix), size limits per tier and error codes. Values never reach the
 * trail. Other operations are answered by the generic handler.
 */
final class SsmApi {
    static final Set<String> OPERATIONS = Set.of("PutParameter", "GetParameter", "GetParameterHistory",
            "DescribeParameters", "DeleteParameter", "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource");
    private static final Set<String> HIDDEN = Set.of("Value");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-/]{1,1011}");
    private static final String DEFAULT_KEY = "alias/aws/ssm";

    /** account/region → name → parameter. */
    private final Map<String, Map<String, Parameter>> parameters = new LinkedHashMap<>();

    static final class Parameter {
        final String accountId;
        final String region;
        final String name;
        final String arn;
        String type;
        /** SecureString parameters only. */
        @Nullable String keyId;
        String tier = "Standard";
        @Nullable String description;
        String dataType = "text";
        final Map<String, String> tags = new LinkedHashMap<>();
        /** values, oldest first; the last one is current (version = size). */
        final List<String> values = new ArrayList<>();
        final List<Instant> modified = new ArrayList<>();

        Parameter(String accountId, String region, String name, String arn, String type) {
            this.type = type;
            this.accountId = accountId;
            this.region = region;
            this.name = name;
            this.arn = arn;
        }

        long version() {
            return values.size();
        }

        String value() {
            return values.get(values.size() - 1);
        }

        Instant lastModified() {
            return modified.get(modified.size() - 1);
        }
    }

    void clear() {
        parameters.clear();
    }

    Reply handle(Call c) {
        JsonBody in = JsonBody.of(c);
        Reply reply = switch (c.op()) {
            case "PutParameter" -> put(c, in);
            case "GetParameter" -> get(c, in);
            case "GetParameterHistory" -> history(c, in);
            case "DescribeParameters" -> describe(c);
            case "DeleteParameter" -> delete(c, in);
            case "ListTagsForResource" -> listTags(c, in);
            case "AddTagsToResource" -> addTags(c, in);
            case "RemoveTagsFromResource" -> removeTags(c, in);
            default -> throw new IllegalStateException(c.op());
        };
        reply.requestParameters = in.trailParameters(HIDDEN);
        return reply;
    }

    private Reply put(Call c, JsonBody in) {
        String name = checkName(in.required("Name"));
        String value = in.required("Value");
        String arn = arn(c, name);
        c.authorize("ssm:PutParameter", arn);
        boolean overwrite = in.bool("Overwrite");
        Map<String, String> tags = in.tags("Tags");
        if (overwrite && !tags.isEmpty()) {
            throw JsonBody.validation("Invalid request: tags and overwrite can't be used together. To create a parameter "
                    + "with tags, please remove overwrite flag. To update tags for an existing parameter, please use "
                    + "AddTagsToResource or RemoveTagsFromResource.");
        }
        String type = in.str("Type");
        if (type != null && !Set.of("String", "StringList", "SecureString").contains(type)) {
            throw JsonBody.validation("1 validation error detected: Value '" + type + "' at 'type' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
        }
        String tier = in.str("Tier") == null ? "Standard" : in.str("Tier");
        int max = "Advanced".equals(tier) ? 8192 : 4096;
        if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > max) {
            throw JsonBody.validation("Standard tier parameters support a maximum parameter value of 4096 characters. "
                    + "To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.");
        }
        if (in.has("KeyId") && !"SecureString".equals(type)) {
            throw JsonBody.validation("KeyId is required for SecureString type parameter only.");
        }
        Map<String, Parameter> region = region(c);
        Parameter p = region.get(name);
        if (p != null && !overwrite) {
            throw new ApiError("ParameterAlreadyExists", 400, "The parameter already exists. To overwrite this value, "
                    + "set the overwrite option in the request to true.");
        }
        if (p == null) {
            if (type == null) {
                throw JsonBody.validation("A parameter type is required when you create a parameter.");
            }
            p = new Parameter(c.accountId(), c.region, name, arn, type);
            p.tags.putAll(tags);
            region.put(name, p);
        }
        if (type != null) {
            p.type = type;
        }
        p.keyId = "SecureString".equals(p.type) ? (in.str("KeyId") == null ? (p.keyId == null ? DEFAULT_KEY : p.keyId)
                : in.str("KeyId")) : null;
        p.tier = tier;
        if (in.str("Description") != null) {
            p.description = in.str("Description");
        }
        if (in.str("DataType") != null) {
            p.dataType = in.str("DataType");
        }
        p.values.add(value);
        p.modified.add(c.now);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("Version", p.version()).put("Tier", p.tier);
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply get(Call c, JsonBody in) {
        String name = in.required("Name");
        int colon = name.lastIndexOf(':');
        Long wantedVersion = null;
        if (colon > 0 && !name.startsWith("arn:")) {
            try {
                wantedVersion = Long.parseLong(name.substring(colon + 1));
                name = name.substring(0, colon);
            } catch (NumberFormatException e) {
                throw JsonBody.validation("Invalid parameter name or selector.");
            }
        }
        Parameter p = find(c, name, "ssm:GetParameter");
        long version = wantedVersion == null ? p.version() : wantedVersion;
        if (version < 1 || version > p.version()) {
            throw new ApiError("ParameterVersionNotFound", 400, "Systems Manager could not find version " + version
                    + " of " + p.name + ". Verify the version and try again.");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode param = out.putObject("Parameter");
        view(param, p, (int) version, in.bool("WithDecryption"));
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply history(Call c, JsonBody in) {
        Parameter p = find(c, in.required("Name"), "ssm:GetParameterHistory");
        boolean decrypt = in.bool("WithDecryption");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("Parameters");
        for (int v = 1; v <= p.version(); v++) {
            ObjectNode item = list.addObject();
            view(item, p, v, decrypt);
            item.remove("ARN");
            if (p.keyId != null) {
                item.put("KeyId", p.keyId);
            }
            item.put("Tier", p.tier);
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private static void view(ObjectNode into, Parameter p, int version, boolean decrypt) {
        String value = p.values.get(version - 1);
        into.put("Name", p.name).put("Type", p.type)
                .put("Value", "SecureString".equals(p.type) && !decrypt ? ciphertext(p, version) : value)
                .put("Version", version).put("LastModifiedDate", JsonBody.epoch(p.modified.get(version - 1)))
                .put("ARN", p.arn).put("DataType", p.dataType);
    }

    /** What AWS answers for an undecrypted SecureString: an opaque base64 KMS blob (here: not the value). */
    private static String ciphertext(Parameter p, int version) {
        byte[] blob = ("AQICAHg" + p.arn + "#" + version).getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(blob);
    }

    private Reply describe(Call c) {
        c.authorize("ssm:DescribeParameters", "*");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("Parameters");
        for (Parameter p : region(c).values()) {
            ObjectNode item = list.addObject().put("Name", p.name).put("ARN", p.arn).put("Type", p.type)
                    .put("LastModifiedDate", JsonBody.epoch(p.lastModified())).put("Version", p.version())
                    .put("Tier", p.tier).put("DataType", p.dataType);
            if (p.keyId != null) {
                item.put("KeyId", p.keyId);
            }
            if (p.description != null) {
                item.put("Description", p.description);
            }
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply delete(Call c, JsonBody in) {
        Parameter p = find(c, in.required("Name"), "ssm:DeleteParameter");
        region(c).remove(p.name);
        return Wire.json(c.req, "{}", c.requestId);
    }

    private Reply listTags(Call c, JsonBody in) {
        Parameter p = tagged(c, in, "ssm:ListTagsForResource");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonBody.putTags(out, "TagList", p.tags);
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply addTags(Call c, JsonBody in) {
        Parameter p = tagged(c, in, "ssm:AddTagsToResource");
        Map<String, String> merged = new LinkedHashMap<>(p.tags);
        merged.putAll(in.tags("Tags"));
        if (merged.size() > 50) {
            throw new ApiError("TooManyTagsError", 400, "The Tags parameter exceeds the limit of 50 tags.");
        }
        p.tags.clear();
        p.tags.putAll(merged);
        return Wire.json(c.req, "{}", c.requestId);
    }

    private Reply removeTags(Call c, JsonBody in) {
        Parameter p = tagged(c, in, "ssm:RemoveTagsFromResource");
        try {
            JsonNode keys = Wire.JSON.readTree(c.req.body).get("TagKeys");
            if (keys != null && keys.isArray()) {
                keys.forEach(k -> p.tags.remove(k.asText()));
            }
        } catch (IOException e) {
            throw JsonBody.validation("TagKeys must be a list of strings");
        }
        return Wire.json(c.req, "{}", c.requestId);
    }

    private Parameter tagged(Call c, JsonBody in, String action) {
        String type = in.required("ResourceType");
        if (!"Parameter".equals(type)) {
            throw new ApiError("InvalidResourceType", 400, "The resource type is not valid for this emulator: " + type);
        }
        String id = in.required("ResourceId");
        Parameter p = region(c).get(id);
        c.authorize(action, p != null ? p.arn : arn(c, id));
        if (p == null) {
            throw new ApiError("InvalidResourceId", 400, "The resource ID \"" + id + "\" is not valid. Verify the ID "
                    + "and try again.");
        }
        return p;
    }

    // ----------------------------------------------------------------------------------------------------------

    private Parameter find(Call c, String nameOrArn, String action) {
        Map<String, Parameter> region = region(c);
        Parameter p = region.get(nameOrArn);
        if (p == null && nameOrArn.startsWith("arn:")) {
            for (Parameter x : region.values()) {
                if (x.arn.equals(nameOrArn)) {
                    p = x;
                }
            }
        }
        c.authorize(action, p != null ? p.arn : nameOrArn.startsWith("arn:") ? nameOrArn : arn(c, nameOrArn));
        if (p == null) {
            throw new ApiError("ParameterNotFound", 400, "");
        }
        return p;
    }

    private static String checkName(String name) {
        String bare = name.startsWith("/") ? name.substring(1) : name;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.startsWith("aws") || lower.startsWith("ssm")) {
            throw JsonBody.validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If "
                    + "formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be "
                    + "formed as a mix of letters, numbers and the following 3 symbols .-_");
        }
        if (!NAME.matcher(name).matches() || name.contains("//") || name.endsWith("/")) {
            throw JsonBody.validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If "
                    + "formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be "
                    + "formed as a mix of letters, numbers and the following 3 symbols .-_");
        }
        if (name.contains("/") && !name.startsWith("/")) {
            throw JsonBody.validation("Parameter name must be a fully qualified name.");
        }
        if (name.chars().filter(ch -> ch == '/').count() > 15) {
            throw new ApiError("HierarchyLevelLimitExceededException", 400, "A hierarchy can have a maximum of 15 "
                    + "levels.");
        }
        return name;
    }

    private static String arn(Call c, String name) {
        return "arn:aws:ssm:" + c.region + ":" + c.accountId() + ":parameter" + (name.startsWith("/") ? "" : "/")
                + name;
    }

    private Map<String, Parameter> region(Call c) {
        return parameters.computeIfAbsent(c.accountId() + "/" + c.region, k -> new LinkedHashMap<>());
    }

    /** Every parameter of an account in every region, for the emulator's views. */
    List<ParameterView> views(String accountId) {
        List<ParameterView> out = new ArrayList<>();
        parameters.forEach((k, region) -> {
            if (k.startsWith(accountId + "/")) {
                for (Parameter p : region.values()) {
                    List<io.canarykit.Secret> history = p.values.stream().map(io.canarykit.Secret::of).toList();
                    out.add(new ParameterView(p.accountId, p.region, p.arn, p.name, p.type, p.keyId, p.tier,
                            p.description, Collections.unmodifiableMap(new LinkedHashMap<>(p.tags)), history.get(history.size() - 1), history, p.version(),
                            p.lastModified()));
                }
            }
        });
        return out;
    }
}
