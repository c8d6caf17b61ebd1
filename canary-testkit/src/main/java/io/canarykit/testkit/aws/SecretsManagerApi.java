package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.io.IOException;
import java.util.Collections;

import org.jspecify.annotations.Nullable;

/**
 * AWS Secrets Manager, as far as placements use it: {@code CreateSecret}, {@code PutSecretValue},
 * {@code GetSecretValue}, {@code DescribeSecret}, {@code ListSecrets}, {@code DeleteSecret} (recovery window or
 * forced), {@code RestoreSecret}, {@code TagResource}, {@code UntagResource}, {@code UpdateSecretVersionStage}. Secrets live per account and region;
 * versions carry the {@code AWSCURRENT}/{@code AWSPREVIOUS} stages; a secret scheduled for deletion refuses reads and
 * writes with {@code InvalidRequestException} and is purged when its window ends (on the emulator's clock).
 * {@code ClientRequestToken} makes a repeated value write idempotent, as in AWS. Secret values never reach the trail.
 * Other operations are answered by the generic handler.
 */
final class SecretsManagerApi {
    static final Set<String> OPERATIONS = Set.of("CreateSecret", "PutSecretValue", "GetSecretValue", "DescribeSecret",
            "ListSecrets", "DeleteSecret", "RestoreSecret", "TagResource", "UntagResource", "UpdateSecretVersionStage");
    private static final Set<String> HIDDEN = Set.of("SecretString", "SecretBinary");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final String NOT_FOUND = "Secrets Manager can't find the specified secret.";

    private final Engine engine;
    /** account/region → name → secret. */
    private final Map<String, Map<String, StoredSecret>> secrets = new LinkedHashMap<>();

    SecretsManagerApi(Engine engine) {
        this.engine = engine;
    }

    static final class StoredSecret {
        final String accountId;
        final String region;
        final String arn;
        final String name;
        @Nullable String description;
        @Nullable String kmsKeyId;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Instant created;
        Instant lastChanged;
        /** When deletion was scheduled, and when the secret is purged; both null unless deletion is scheduled. */
        @Nullable Instant deletedDate;
        @Nullable Instant deletionDate;
        /** version id → version, oldest first. */
        final Map<String, Version> versions = new LinkedHashMap<>();

        StoredSecret(String accountId, String region, String arn, String name, Instant created) {
            this.accountId = accountId;
            this.region = region;
            this.arn = arn;
            this.name = name;
            this.created = created;
            this.lastChanged = created;
        }

        @Nullable Version current() {
            for (Version v : versions.values()) {
                if (v.stages.contains("AWSCURRENT")) {
                    return v;
                }
            }
            return null;
        }
    }

    record Version(String id, String value, Instant created, Set<String> stages) {
    }

    void clear() {
        secrets.clear();
    }

    Reply handle(Call c) {
        purge(c.now);
        JsonBody in = JsonBody.of(c);
        Reply reply = switch (c.op()) {
            case "CreateSecret" -> create(c, in);
            case "PutSecretValue" -> putValue(c, in);
            case "GetSecretValue" -> getValue(c, in);
            case "DescribeSecret" -> describe(c, in);
            case "ListSecrets" -> list(c, in);
            case "DeleteSecret" -> delete(c, in);
            case "RestoreSecret" -> restore(c, in);
            case "TagResource" -> tag(c, in);
            case "UntagResource" -> untag(c, in);
            case "UpdateSecretVersionStage" -> moveStage(c, in);
            default -> throw new IllegalStateException(c.op());
        };
        reply.requestParameters = in.trailParameters(HIDDEN);
        return reply;
    }

    private Reply create(Call c, JsonBody in) {
        String name = in.required("Name");
        if (!NAME.matcher(name).matches()) {
            throw JsonBody.validation("Invalid name. Must be a valid name containing alphanumeric characters, or any of "
                    + "the following: -/_+=.@!");
        }
        Map<String, StoredSecret> region = region(c);
        String arn = "arn:aws:secretsmanager:" + c.region + ":" + c.accountId() + ":secret:" + name + "-"
                + engine.ids.alnum(6);
        c.authorize("secretsmanager:CreateSecret", arn);
        StoredSecret existing = region.get(name);
        if (existing != null) {
            throw existing.deletedDate != null
                    ? invalidRequest("You can't create this secret because a secret with this name is already scheduled "
                    + "for deletion.")
                    : new ApiError("ResourceExistsException", 400, "The operation failed because the secret " + name
                    + " already exists.");
        }
        Map<String, String> tags = in.tags("Tags");
        if (tags.size() > 50) {
            throw JsonBody.validation("Number of tags exceeds the limit of 50.");
        }
        StoredSecret s = new StoredSecret(c.accountId(), c.region, arn, name, c.now);
        s.description = in.str("Description");
        s.kmsKeyId = in.str("KmsKeyId");
        s.tags.putAll(tags);
        String value = in.str("SecretString");
        String versionId = null;
        if (value != null) {
            checkSize(value);
            versionId = token(c, in);
            s.versions.put(versionId, new Version(versionId, value, c.now, new LinkedHashSet<>(Set.of("AWSCURRENT"))));
        }
        region.put(name, s);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name);
        if (versionId != null) {
            out.put("VersionId", versionId);
        }
        return answer(c, out, s);
    }

    private Reply putValue(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:PutSecretValue");
        requireNotDeleted(s);
        String value = in.str("SecretString");
        if (value == null) {
            throw new ApiError("InvalidParameterException", 400, "You must provide either SecretString or SecretBinary.");
        }
        checkSize(value);
        String versionId = token(c, in);
        Version existing = s.versions.get(versionId);
        if (existing != null) {
            if (!MessageDigest.isEqual(existing.value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))) {
                throw new ApiError("ResourceExistsException", 400, "You can't modify an existing version, you can only "
                        + "create a new version.");
            }
        } else {
            for (Version v : s.versions.values()) {
                v.stages.remove("AWSPREVIOUS");
                if (v.stages.remove("AWSCURRENT")) {
                    v.stages.add("AWSPREVIOUS");
                }
            }
            s.versions.values().removeIf(v -> v.stages.isEmpty()); // AWS deprecates unlabelled versions
            s.versions.put(versionId, new Version(versionId, value, c.now, new LinkedHashSet<>(Set.of("AWSCURRENT"))));
            s.lastChanged = c.now;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name)
                .put("VersionId", versionId);
        out.putArray("VersionStages").add("AWSCURRENT");
        return answer(c, out, s);
    }

    private Reply getValue(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:GetSecretValue");
        requireNotDeleted(s);
        String wantedId = in.str("VersionId");
        String wantedStage = in.str("VersionStage");
        Version v = null;
        if (wantedId != null) {
            v = s.versions.get(wantedId);
        } else {
            String stage = wantedStage == null ? "AWSCURRENT" : wantedStage;
            for (Version x : s.versions.values()) {
                if (x.stages.contains(stage)) {
                    v = x;
                }
            }
        }
        if (v == null) {
            throw new ApiError("ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret value"
                    + (wantedId != null ? " for VersionId: " + wantedId : " for staging label: "
                    + (wantedStage == null ? "AWSCURRENT" : wantedStage)));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name)
                .put("VersionId", v.id).put("SecretString", v.value);
        var stages = out.putArray("VersionStages");
        v.stages.forEach(stages::add);
        out.put("CreatedDate", JsonBody.epoch(v.created));
        Reply r = Wire.json(c.req, out.toString(), c.requestId);
        r.resource("AWS::SecretsManager::Secret", s.arn);
        return r;
    }

    private Reply describe(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:DescribeSecret");
        return answer(c, describe(s), s);
    }

    private static ObjectNode describe(StoredSecret s) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name);
        if (s.description != null) {
            out.put("Description", s.description);
        }
        if (s.kmsKeyId != null) {
            out.put("KmsKeyId", s.kmsKeyId);
        }
        out.put("LastChangedDate", JsonBody.epoch(s.lastChanged));
        if (s.deletedDate != null) {
            out.put("DeletedDate", JsonBody.epoch(s.deletedDate));
        }
        if (!s.tags.isEmpty()) {
            JsonBody.putTags(out, "Tags", s.tags);
        }
        ObjectNode stages = out.putObject("VersionIdsToStages");
        s.versions.values().stream().filter(v -> !v.stages.isEmpty())
                .forEach(v -> {
                    var arr = stages.putArray(v.id);
                    v.stages.forEach(arr::add);
                });
        out.put("CreatedDate", JsonBody.epoch(s.created));
        return out;
    }

    private Reply list(Call c, JsonBody in) {
        c.authorize("secretsmanager:ListSecrets", "*");
        boolean includeDeleted = in.bool("IncludePlannedDeletion");
        Integer max = in.integer("MaxResults");
        int limit = max == null ? 100 : Math.max(1, Math.min(100, max));
        String next = in.str("NextToken");
        List<StoredSecret> all = new ArrayList<>(region(c).values());
        all.removeIf(s -> s.deletedDate != null && !includeDeleted);
        int from = 0;
        if (next != null) {
            try {
                from = Integer.parseInt(next);
            } catch (NumberFormatException e) {
                throw new ApiError("InvalidNextTokenException", 400, "The NextToken value is invalid.");
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        var list = out.putArray("SecretList");
        for (int i = from; i < Math.min(all.size(), from + limit); i++) {
            list.add(describe(all.get(i)));
        }
        if (from + limit < all.size()) {
            out.put("NextToken", Integer.toString(from + limit));
        }
        return Wire.json(c.req, out.toString(), c.requestId);
    }

    private Reply delete(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:DeleteSecret");
        boolean force = in.bool("ForceDeleteWithoutRecovery");
        Integer window = in.integer("RecoveryWindowInDays");
        if (force && window != null) {
            throw new ApiError("InvalidParameterException", 400, "You can't use ForceDeleteWithoutRecovery in "
                    + "conjunction with RecoveryWindowInDays.");
        }
        if (window != null && (window < 7 || window > 30)) {
            throw new ApiError("InvalidParameterException", 400, "The RecoveryWindowInDays value must be between 7 and "
                    + "30 days (inclusive).");
        }
        Instant deletion;
        if (force) {
            region(c).remove(s.name);
            deletion = c.now;
        } else {
            if (s.deletedDate != null) {
                throw invalidRequest("You can't perform this operation on the secret because it was already scheduled "
                        + "for deletion.");
            }
            s.deletedDate = c.now;
            s.deletionDate = c.now.plus(Duration.ofDays(window == null ? 30 : window));
            deletion = s.deletionDate;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name)
                .put("DeletionDate", JsonBody.epoch(deletion));
        return answer(c, out, s);
    }

    private Reply restore(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:RestoreSecret");
        s.deletedDate = null;
        s.deletionDate = null;
        return answer(c, JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name), s);
    }

    private Reply tag(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:TagResource");
        requireNotDeleted(s);
        Map<String, String> merged = new LinkedHashMap<>(s.tags);
        merged.putAll(in.tags("Tags"));
        if (merged.size() > 50) {
            throw JsonBody.validation("Number of tags exceeds the limit of 50.");
        }
        s.tags.clear();
        s.tags.putAll(merged);
        return answer(c, JsonNodeFactory.instance.objectNode(), s);
    }

    private Reply untag(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:UntagResource");
        requireNotDeleted(s);
        var keys = Wire.JSON.createArrayNode();
        try {
            var n = Wire.JSON.readTree(c.req.body).get("TagKeys");
            if (n != null && n.isArray()) {
                keys = (com.fasterxml.jackson.databind.node.ArrayNode) n;
            }
        } catch (IOException e) {
            throw JsonBody.validation("TagKeys must be a list of strings");
        }
        keys.forEach(k -> s.tags.remove(k.asText()));
        return answer(c, JsonNodeFactory.instance.objectNode(), s);
    }

    /** Moves a staging label: {@code MoveToVersionId} gets it, {@code RemoveFromVersionId} must hold it if given. */
    private Reply moveStage(Call c, JsonBody in) {
        StoredSecret s = find(c, in.required("SecretId"), "secretsmanager:UpdateSecretVersionStage");
        requireNotDeleted(s);
        String stage = in.required("VersionStage");
        String to = in.str("MoveToVersionId");
        String from = in.str("RemoveFromVersionId");
        Version holder = null;
        for (Version v : s.versions.values()) {
            if (v.stages.contains(stage)) {
                holder = v;
            }
        }
        if (holder != null && to != null && !holder.id.equals(from) && !holder.id.equals(to)) {
            throw new ApiError("InvalidParameterException", 400, "The staging label " + stage + " is currently attached "
                    + "to version " + holder.id + ". You must specify RemoveFromVersionId to move it.");
        }
        Version target = to == null ? null : s.versions.get(to);
        if (to != null && target == null) {
            throw new ApiError("ResourceNotFoundException", 400, "Secrets Manager can't find the specified version " + to);
        }
        if (from != null && s.versions.containsKey(from)) {
            Version old = s.versions.get(from);
            old.stages.remove(stage);
            if ("AWSCURRENT".equals(stage) && to != null) {
                for (Version v : s.versions.values()) {
                    v.stages.remove("AWSPREVIOUS");
                }
                old.stages.add("AWSPREVIOUS");
            }
        }
        if (target != null) {
            target.stages.add(stage);
        }
        s.lastChanged = c.now;
        return answer(c, JsonNodeFactory.instance.objectNode().put("ARN", s.arn).put("Name", s.name), s);
    }

    // ----------------------------------------------------------------------------------------------------------

    private Reply answer(Call c, ObjectNode out, StoredSecret s) {
        Reply r = Wire.json(c.req, out.toString(), c.requestId);
        ObjectNode elements = JsonNodeFactory.instance.objectNode().put("arn", s.arn).put("name", s.name);
        r.responseElements = elements;
        r.resource("AWS::SecretsManager::Secret", s.arn);
        return r;
    }

    /** The secret a {@code SecretId} names (its name, its full ARN, or its ARN without the random suffix). */
    private StoredSecret find(Call c, String secretId, String action) {
        Map<String, StoredSecret> region = region(c);
        StoredSecret s = region.get(secretId);
        if (s == null) {
            for (StoredSecret x : region.values()) {
                if (x.arn.equals(secretId) || x.arn.substring(0, x.arn.length() - 7).equals(secretId)) {
                    s = x;
                }
            }
        }
        String resource = s != null ? s.arn : secretId.startsWith("arn:") ? secretId
                : "arn:aws:secretsmanager:" + c.region + ":" + c.accountId() + ":secret:" + secretId;
        c.authorize(action, resource);
        if (s == null) {
            throw new ApiError("ResourceNotFoundException", 400, NOT_FOUND);
        }
        return s;
    }

    private static void requireNotDeleted(StoredSecret s) {
        if (s.deletedDate != null) {
            throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
        }
    }

    private static ApiError invalidRequest(String message) {
        return new ApiError("InvalidRequestException", 400, message);
    }

    private static void checkSize(String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length > 65_536) {
            throw JsonBody.validation("1 validation error detected: Value at 'secretString' failed to satisfy "
                    + "constraint: Member must have length less than or equal to 65536");
        }
    }

    private String token(Call c, JsonBody in) {
        String t = in.str("ClientRequestToken");
        if (t == null) {
            return engine.ids.uuid().toString();
        }
        if (t.length() < 32 || t.length() > 64) {
            throw JsonBody.validation("1 validation error detected: Value at 'clientRequestToken' failed to satisfy "
                    + "constraint: Member must have length between 32 and 64");
        }
        return t;
    }

    private Map<String, StoredSecret> region(Call c) {
        return secrets.computeIfAbsent(c.accountId() + "/" + c.region, k -> new LinkedHashMap<>());
    }

    private void purge(Instant now) {
        for (Map<String, StoredSecret> region : secrets.values()) {
            region.values().removeIf(s -> s.deletionDate != null && !now.isBefore(s.deletionDate));
        }
    }

    /** Every secret of an account in every region (scheduled deletions included), for the emulator's views. */
    List<SecretView> views(String accountId, Instant now) {
        purge(now);
        List<SecretView> out = new ArrayList<>();
        secrets.forEach((k, region) -> {
            if (k.startsWith(accountId + "/")) {
                for (StoredSecret s : region.values()) {
                    Version v = s.current();
                    out.add(new SecretView(s.accountId, s.region, s.arn, s.name, s.description, s.kmsKeyId,
                            Collections.unmodifiableMap(new LinkedHashMap<>(s.tags)), v == null ? null : io.canarykit.Secret.ofNullable(v.value),
                            (int) s.versions.values().stream().filter(x -> !x.stages.isEmpty()).count(),
                            s.deletedDate, s.deletionDate));
                }
            }
        });
        return out;
    }
}
