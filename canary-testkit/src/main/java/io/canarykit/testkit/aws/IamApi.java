package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** IAM over the Query protocol: users, keys, inline and managed policies, roles, groups, reports. */
final class IamApi {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+=,.@-]+");
    static final Pattern PATH = Pattern.compile("(/)|(/[\\u0021-\\u007E]+/)");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final DateTimeFormatter REPORT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TRAIL_DATE =
            DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);
    static final String REPORT_HEADER = "user,arn,user_creation_time,password_enabled,password_last_used,"
            + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
            + "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    private static final Duration REPORT_REUSE = Duration.ofHours(4);

    private final Engine engine;

    IamApi(Engine engine) {
        this.engine = engine;
    }

    Reply handle(Call c) {
        if (c.cred.kind == Credential.Kind.FEDERATED) {
            throw new ApiError("AccessDenied", 403, "User: " + c.cred.principalArn()
                    + " is not authorized to perform: iam:" + c.op() + " (federated user credentials cannot call IAM)");
        }
        return switch (c.op()) {
            case "CreateUser" -> createUser(c);
            case "GetUser" -> getUser(c);
            case "ListUsers" -> listUsers(c);
            case "DeleteUser" -> deleteUser(c);
            case "TagUser" -> tagUser(c);
            case "UntagUser" -> untagUser(c);
            case "ListUserTags" -> listUserTags(c);
            case "PutUserPolicy" -> putUserPolicy(c);
            case "GetUserPolicy" -> getUserPolicy(c);
            case "DeleteUserPolicy" -> deleteUserPolicy(c);
            case "ListUserPolicies" -> listUserPolicies(c);
            case "PutUserPermissionsBoundary" -> putUserBoundary(c);
            case "DeleteUserPermissionsBoundary" -> deleteUserBoundary(c);
            case "AttachUserPolicy" -> attachUserPolicy(c);
            case "DetachUserPolicy" -> detachUserPolicy(c);
            case "ListAttachedUserPolicies" -> listAttachedUserPolicies(c);
            case "CreateAccessKey" -> createAccessKey(c);
            case "UpdateAccessKey" -> updateAccessKey(c);
            case "DeleteAccessKey" -> deleteAccessKey(c);
            case "ListAccessKeys" -> listAccessKeys(c);
            case "GetAccessKeyLastUsed" -> getAccessKeyLastUsed(c);
            case "CreateLoginProfile" -> createLoginProfile(c);
            case "GetLoginProfile" -> getLoginProfile(c);
            case "UpdateLoginProfile" -> updateLoginProfile(c);
            case "DeleteLoginProfile" -> deleteLoginProfile(c);
            case "GenerateCredentialReport" -> generateCredentialReport(c);
            case "GetCredentialReport" -> getCredentialReport(c);
            case "GetAccountSummary" -> getAccountSummary(c);
            case "CreateRole" -> createRole(c);
            case "GetRole" -> getRole(c);
            case "ListRoles" -> listRoles(c);
            case "DeleteRole" -> deleteRole(c);
            case "UpdateRole" -> updateRole(c);
            case "UpdateAssumeRolePolicy" -> updateAssumeRolePolicy(c);
            case "PutRolePolicy" -> putRolePolicy(c);
            case "GetRolePolicy" -> getRolePolicy(c);
            case "DeleteRolePolicy" -> deleteRolePolicy(c);
            case "ListRolePolicies" -> listRolePolicies(c);
            case "AttachRolePolicy" -> attachRolePolicy(c);
            case "DetachRolePolicy" -> detachRolePolicy(c);
            case "ListAttachedRolePolicies" -> listAttachedRolePolicies(c);
            case "PutRolePermissionsBoundary" -> putRoleBoundary(c);
            case "DeleteRolePermissionsBoundary" -> deleteRoleBoundary(c);
            case "TagRole" -> tagRole(c);
            case "UntagRole" -> untagRole(c);
            case "CreatePolicy" -> createPolicy(c);
            case "GetPolicy" -> getPolicy(c);
            case "GetPolicyVersion" -> getPolicyVersion(c);
            case "DeletePolicy" -> deletePolicy(c);
            case "ListPolicies" -> listPolicies(c);
            case "CreateGroup" -> createGroup(c);
            case "GetGroup" -> getGroup(c);
            case "DeleteGroup" -> deleteGroup(c);
            case "AddUserToGroup" -> addUserToGroup(c);
            case "RemoveUserFromGroup" -> removeUserFromGroup(c);
            case "ListGroupsForUser" -> listGroupsForUser(c);
            case "PutGroupPolicy" -> putGroupPolicy(c);
            case "DeleteGroupPolicy" -> deleteGroupPolicy(c);
            case "AttachGroupPolicy" -> attachGroupPolicy(c);
            case "DetachGroupPolicy" -> detachGroupPolicy(c);
            case "UploadSSHPublicKey" -> uploadSshKey(c);
            case "ListSSHPublicKeys" -> listSshKeys(c);
            case "DeleteSSHPublicKey" -> deleteSshKey(c);
            case "UploadSigningCertificate" -> uploadCertificate(c);
            case "ListSigningCertificates" -> listCertificates(c);
            case "DeleteSigningCertificate" -> deleteCertificate(c);
            case "CreateServiceSpecificCredential" -> createServiceCredential(c);
            case "ListServiceSpecificCredentials" -> listServiceCredentials(c);
            case "DeleteServiceSpecificCredential" -> deleteServiceCredential(c);
            case "CreateVirtualMFADevice" -> createVirtualMfa(c);
            case "EnableMFADevice" -> enableMfa(c);
            case "ListMFADevices" -> listMfa(c);
            case "DeactivateMFADevice" -> deactivateMfa(c);
            case "DeleteVirtualMFADevice" -> deleteVirtualMfa(c);
            default -> {
                c.authorize("iam:" + c.op(), "*");
                throw new ApiError("InvalidAction", 400, "The emulator does not implement iam:" + c.op() + ".");
            }
        };
    }

    // ------------------------------------------------------------------------------------------ model helpers

    AccountState.User newUser(AccountState a, String name, String path, Instant now) {
        AccountState.User u = new AccountState.User(name, path, engine.ids.uniqueId("AIDA", a.accountId),
                "arn:aws:iam::" + a.accountId + ":user" + path + name, now);
        a.users.put(AccountState.key(name), u);
        return u;
    }

    Credential newAccessKey(AccountState a, AccountState.User u, String id, String secret, Instant now) {
        Credential k = new Credential(Credential.Kind.LONG_TERM, id, a.accountId, secret, null, now, null);
        k.userName = u.name;
        k.userId = u.userId;
        k.userArn = u.arn;
        u.accessKeys.add(k);
        engine.credentials.put(id, k);
        return k;
    }

    private String userArn(Call c, String name) {
        AccountState.User u = c.account.user(name);
        return u != null ? u.arn : "arn:aws:iam::" + c.accountId() + ":user/" + name;
    }

    private String roleArn(Call c, String name) {
        AccountState.Role r = c.account.role(name);
        return r != null ? r.arn : "arn:aws:iam::" + c.accountId() + ":role/" + name;
    }

    private String groupArn(Call c, String name) {
        AccountState.Group g = c.account.group(name);
        return g != null ? g.arn : "arn:aws:iam::" + c.accountId() + ":group/" + name;
    }

    /** The user a call names, or the calling user when the name is optional and absent. */
    private String userNameOrCaller(Call c) {
        String name = c.param("UserName");
        if (name != null) {
            return name;
        }
        if (c.cred.kind == Credential.Kind.LONG_TERM || c.cred.kind == Credential.Kind.USER_SESSION) {
            return c.cred.iamUserName();
        }
        throw ApiError.validation("Must specify userName when calling with non-User credentials");
    }

    private AccountState.User existingUser(Call c, String name) {
        AccountState.User u = c.account.user(name);
        if (u == null) {
            throw ApiError.noSuchEntity("The user with name " + name + " cannot be found.");
        }
        return u;
    }

    /** Like {@link #existingUser}, but a deleted user reads still see (partial AWS) counts. */
    private AccountState.User visibleUser(Call c, String name) {
        AccountState.User u = c.account.visibleUser(name, c.now);
        if (u == null) {
            throw ApiError.noSuchEntity("The user with name " + name + " cannot be found.");
        }
        return u;
    }

        private AccountState.Role existingRole(Call c, String name) {
        AccountState.Role r = c.account.role(name);
        if (r == null) {
            throw ApiError.noSuchEntity("The role with name " + name + " cannot be found.");
        }
        return r;
    }

    private AccountState.Group existingGroup(Call c, String name) {
        AccountState.Group g = c.account.group(name);
        if (g == null) {
            throw ApiError.noSuchEntity("The group with name " + name + " cannot be found.");
        }
        return g;
    }

    static void validateName(String value, String member, int max) {
        if (value.isEmpty()) {
            throw ApiError.constraint(value, member, "Member must have length greater than or equal to 1");
        }
        if (value.length() > max) {
            throw ApiError.constraint(value, member, "Member must have length less than or equal to " + max);
        }
        if (!NAME.matcher(value).matches()) {
            throw ApiError.constraint(value, member, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
        }
    }

    static String validatePath(@Nullable String path) {
        if (path == null) {
            return "/";
        }
        if (path.length() > 512 || !PATH.matcher(path).matches()) {
            throw ApiError.constraint(path, "path",
                    "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
        }
        return path;
    }

    /** Applies tags (all or nothing): validation, duplicate keys, reserved prefix, the quota. */
    private void applyTags(Map<String, String> target, List<String[]> tags, String entity) {
        Map<String, String> lowerSeen = new LinkedHashMap<>();
        for (String[] t : tags) {
            String k = t[0];
            String v = t[1];
            if (k.isEmpty() || k.length() > 128 || !TAG.matcher(k).matches()) {
                throw ApiError.constraint(k, "tags.member.key",
                        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
            }
            if (v.length() > 256 || !TAG.matcher(v).matches()) {
                throw ApiError.constraint(v, "tags.member.value",
                        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
            }
            if (k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw ApiError.invalidInput("Tag keys starting with 'aws:' are reserved for internal use.");
            }
            if (lowerSeen.put(k.toLowerCase(Locale.ROOT), k) != null) {
                throw ApiError.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(target);
        for (String[] t : tags) {
            String existing = null;
            for (String key : merged.keySet()) {
                if (key.equalsIgnoreCase(t[0])) {
                    existing = key;
                    break;
                }
            }
            if (existing != null) {
                merged.remove(existing);
            }
            merged.put(t[0], t[1]);
        }
        if (merged.size() > engine.settings.quotas().tagsPerEntity()) {
            throw ApiError.limitExceeded("Cannot exceed quota for TagsPer" + entity + ": "
                    + engine.settings.quotas().tagsPerEntity());
        }
        target.clear();
        target.putAll(merged);
    }

    enum PolicyUse { IDENTITY, TRUST, SESSION }

    /** Validates a policy document's grammar; throws MalformedPolicyDocument naming the problem. */
    static JsonNode validatePolicy(String doc, PolicyUse use) {
        JsonNode root;
        try {
            root = Wire.JSON.readTree(doc);
        } catch (Exception e) {
            throw ApiError.malformedPolicy("Syntax errors in policy.");
        }
        if (root == null || !root.isObject()) {
            throw ApiError.malformedPolicy("Syntax errors in policy.");
        }
        JsonNode version = root.get("Version");
        if (version != null && !"2012-10-17".equals(version.asText()) && !"2008-10-17".equals(version.asText())) {
            throw ApiError.malformedPolicy("The policy failed legacy parsing");
        }
        JsonNode stmts = root.get("Statement");
        if (stmts == null || !(stmts.isArray() || stmts.isObject()) || (stmts.isArray() && stmts.isEmpty())) {
            throw ApiError.malformedPolicy("Syntax errors in policy.");
        }
        Iterator<JsonNode> it = stmts.isArray() ? stmts.elements() : List.of(stmts).iterator();
        while (it.hasNext()) {
            JsonNode s = it.next();
            if (!s.isObject()) {
                throw ApiError.malformedPolicy("Syntax errors in policy.");
            }
            JsonNode effect = s.get("Effect");
            if (effect == null) {
                throw ApiError.malformedPolicy("Missing required field Effect");
            }
            if (!"Allow".equals(effect.asText()) && !"Deny".equals(effect.asText())) {
                throw ApiError.malformedPolicy("Invalid effect: " + effect.asText());
            }
            if (s.get("Action") == null && s.get("NotAction") == null) {
                throw ApiError.malformedPolicy("Policy statement must contain actions.");
            }
            for (String field : List.of("Action", "NotAction")) {
                List<String> actions = strings(s.get(field));
                if (actions != null) {
                    for (String a : actions) {
                        if (!a.equals("*") && !a.contains(":")) {
                            throw ApiError.malformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
                        }
                    }
                }
            }
            boolean hasPrincipal = s.get("Principal") != null || s.get("NotPrincipal") != null;
            boolean hasResource = s.get("Resource") != null || s.get("NotResource") != null;
            if (use == PolicyUse.TRUST) {
                if (!hasPrincipal) {
                    throw ApiError.malformedPolicy("Missing required field Principal");
                }
                if (hasResource) {
                    throw ApiError.malformedPolicy("Has prohibited field Resource");
                }
            } else {
                if (hasPrincipal) {
                    throw ApiError.malformedPolicy("Policy document should not specify a principal.");
                }
                if (!hasResource) {
                    throw ApiError.malformedPolicy("Policy statement must contain resources.");
                }
            }
        }
        return root;
    }

    private static @Nullable List<String> strings(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }

    static int size(String doc) {
        int n = 0;
        for (int i = 0; i < doc.length(); i++) {
            if (!Character.isWhitespace(doc.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    private static int aggregate(Map<String, String> policies) {
        int n = 0;
        for (String d : policies.values()) {
            n += size(d);
        }
        return n;
    }

    /** IAM returns policy documents URL-encoded (RFC 3986). */
    static String urlEncoded(String doc) {
        return SigV4.encode(doc, false);
    }

    private String managedOrThrow(Call c, String arn) {
        if (arn == null || !arn.startsWith("arn:aws:iam::")) {
            throw ApiError.invalidInput("ARN " + arn + " is not valid.");
        }
        String doc = engine.managedDocument(c.account, arn);
        if (doc == null) {
            throw ApiError.noSuchEntity("Policy " + arn + " does not exist or is not attachable.");
        }
        return doc;
    }

    static String boundaryXml(@Nullable String arn) {
        return arn == null ? "" : new Xml().open("PermissionsBoundary")
                .el("PermissionsBoundaryType", "PermissionsBoundaryPolicy").el("PermissionsBoundaryArn", arn)
                .close("PermissionsBoundary").toString();
    }

    static String tagsXml(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "";
        }
        Xml x = new Xml().open("Tags");
        tags.forEach((k, v) -> x.open("member").el("Key", k).el("Value", v).close("member"));
        return x.close("Tags").toString();
    }

    static String userXml(AccountState.User u, boolean full) {
        Xml x = new Xml().el("Path", u.path).el("UserName", u.name).el("UserId", u.userId).el("Arn", u.arn)
                .el("CreateDate", u.created);
        if (full) {
            x.raw(boundaryXml(u.boundaryArn)).raw(tagsXml(u.tags));
        }
        return x.toString();
    }

    static ObjectNode trailUser(AccountState.User u) {
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        user.put("path", u.path);
        user.put("userName", u.name);
        user.put("userId", u.userId);
        user.put("arn", u.arn);
        user.put("createDate", TRAIL_DATE.format(u.created));
        return user;
    }

    /** One page of a list sorted by key; IAM markers are opaque (base64 of the last key returned). */
    private <T> List<T> page(Call c, List<T> sorted, Function<T, String> key, Xml out) {
        int max = c.intParam("MaxItems", 100);
        if (max < 1 || max > 1000) {
            throw ApiError.constraint(Integer.toString(max), "maxItems", "Member must have value between 1 and 1000");
        }
        String marker = c.param("Marker");
        String after = null;
        if (marker != null) {
            try {
                after = new String(Base64.getDecoder().decode(marker), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidInput("Invalid Marker.");
            }
        }
        List<T> pageItems = new ArrayList<>();
        boolean truncated = false;
        for (T item : sorted) {
            if (after != null && key.apply(item).compareTo(after) <= 0) {
                continue;
            }
            if (pageItems.size() == max) {
                truncated = true;
                break;
            }
            pageItems.add(item);
        }
        out.el("IsTruncated", truncated);
        if (truncated) {
            out.el("Marker", Base64.getEncoder().encodeToString(
                    key.apply(pageItems.get(pageItems.size() - 1)).getBytes(StandardCharsets.UTF_8)));
        }
        return pageItems;
    }

    // ------------------------------------------------------------------------------------------------- users

    private Reply createUser(Call c) {
        String name = c.required("UserName");
        String path = c.param("Path");
        c.authorize("iam:CreateUser", "arn:aws:iam::" + c.accountId() + ":user" + (path == null ? "/" : path) + name);
        validateName(name, "userName", 64);
        path = validatePath(path);
        String boundary = c.param("PermissionsBoundary");
        if (c.account.user(name) != null) {
            throw ApiError.alreadyExists("User with name " + name + " already exists.");
        }
        if (c.account.users.size() >= engine.settings.quotas().usersPerAccount()) {
            throw ApiError.limitExceeded("Cannot exceed quota for UsersPerAccount: " + engine.settings.quotas().usersPerAccount());
        }
        if (boundary != null) {
            if (engine.managedDocument(c.account, boundary) == null) {
                throw ApiError.noSuchEntity("Scope ARN: " + boundary + " does not exist or is not attachable.");
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        applyTags(tags, c.tags("Tags"), "User");
        AccountState.User u = newUser(c.account, name, path, c.now);
        u.boundaryArn = boundary;
        u.tags.putAll(tags);
        Reply r = c.ok(new Xml().open("User").raw(userXml(u, true)).close("User"));
        ObjectNode re = JsonNodeFactory.instance.objectNode();
        re.set("user", trailUser(u));
        r.responseElements = re;
        return r.resource("AWS::IAM::User", name);
    }

    private Reply getUser(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:GetUser", userArn(c, name));
        AccountState.User u = visibleUser(c, name);
        return c.ok(new Xml().open("User").raw(userXml(u, true)).close("User")).resource("AWS::IAM::User", name);
    }

    private Reply listUsers(Call c) {
        String prefix = c.param("PathPrefix");
        c.authorize("iam:ListUsers", "arn:aws:iam::" + c.accountId() + ":user" + (prefix == null ? "/" : prefix));
        List<AccountState.User> all = new ArrayList<>();
        for (AccountState.User u : c.account.users.values()) {
            if (prefix == null || u.path.startsWith(prefix)) {
                all.add(u);
            }
        }
        for (String name : List.copyOf(c.account.deletedUsers.keySet())) {
            AccountState.User ghost = c.account.user(name) == null ? c.account.visibleUser(name, c.now) : null;
            if (ghost != null && (prefix == null || ghost.path.startsWith(prefix))) {
                all.add(ghost);
            }
        }
        all.sort(Comparator.comparing(u -> AccountState.key(u.name)));
        Xml tail = new Xml();
        List<AccountState.User> users = page(c, all, u -> AccountState.key(u.name), tail);
        Xml x = new Xml().open("Users");
        for (AccountState.User u : users) {
            x.open("member").raw(userXml(u, false)).close("member");
        }
        return c.ok(x.close("Users").raw(tail.toString()));
    }

    private Reply deleteUser(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:DeleteUser", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        String conflict = null;
        if (u.loginProfile != null) {
            conflict = "Cannot delete entity, must delete login profile first.";
        } else if (!u.accessKeys.isEmpty()) {
            conflict = "Cannot delete entity, must delete access keys first.";
        } else if (!u.certificates.isEmpty()) {
            conflict = "Cannot delete entity, must delete signing certificates first.";
        } else if (!u.sshKeys.isEmpty()) {
            conflict = "Cannot delete entity, must delete SSH public keys first.";
        } else if (!u.serviceCredentials.isEmpty()) {
            conflict = "Cannot delete entity, must delete service-specific credentials first.";
        } else if (!u.mfaSerials.isEmpty()) {
            conflict = "Cannot delete entity, must delete MFA device first.";
        } else if (!u.inlinePolicies.isEmpty()) {
            conflict = "Cannot delete entity, must delete policies first.";
        } else if (!u.attachedPolicies.isEmpty()) {
            conflict = "Cannot delete entity, must detach all policies first.";
        } else if (!u.groups.isEmpty()) {
            conflict = "Cannot delete entity, must remove users from group first.";
        }
        if (conflict != null) {
            throw ApiError.deleteConflict(conflict);
        }
        c.account.users.remove(AccountState.key(name));
        Duration visible = engine.partial.deleteVisibility();
        if (!visible.isZero()) {
            c.account.deletedUsers.put(AccountState.key(name), new AccountState.DeletedUser(u, c.now.plus(visible)));
        }
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply tagUser(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:TagUser", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        applyTags(u.tags, c.tags("Tags"), "User");
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply untagUser(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:UntagUser", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        for (String k : c.list("TagKeys", null)) {
            u.tags.keySet().removeIf(key -> key.equalsIgnoreCase(k));
        }
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply listUserTags(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:ListUserTags", userArn(c, name));
        AccountState.User u = visibleUser(c, name);
        Xml x = new Xml().open("Tags");
        u.tags.forEach((k, v) -> x.open("member").el("Key", k).el("Value", v).close("member"));
        return c.ok(x.close("Tags").el("IsTruncated", false));
    }

    private Reply putUserPolicy(Call c) {
        String name = c.required("UserName");
        String policyName = c.required("PolicyName");
        String doc = c.required("PolicyDocument");
        c.authorize("iam:PutUserPolicy", userArn(c, name));
        validateName(policyName, "policyName", 128);
        AccountState.User u = existingUser(c, name);
        validatePolicy(doc, PolicyUse.IDENTITY);
        Map<String, String> after = new LinkedHashMap<>(u.inlinePolicies);
        after.put(policyName, doc);
        int quota = engine.settings.quotas().userPolicySize();
        if (aggregate(after) > quota) {
            throw ApiError.limitExceeded("Maximum policy size of " + quota + " bytes exceeded for user " + u.name);
        }
        u.inlinePolicies.put(policyName, doc);
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply getUserPolicy(Call c) {
        String name = c.required("UserName");
        String policyName = c.required("PolicyName");
        c.authorize("iam:GetUserPolicy", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        String doc = u.inlinePolicies.get(policyName);
        if (doc == null) {
            throw ApiError.noSuchEntity("The user policy with name " + policyName + " cannot be found.");
        }
        return c.ok(new Xml().el("UserName", u.name).el("PolicyName", policyName)
                .el("PolicyDocument", urlEncoded(doc)));
    }

    private Reply deleteUserPolicy(Call c) {
        String name = c.required("UserName");
        String policyName = c.required("PolicyName");
        c.authorize("iam:DeleteUserPolicy", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (u.inlinePolicies.remove(policyName) == null) {
            throw ApiError.noSuchEntity("The user policy with name " + policyName + " cannot be found.");
        }
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply listUserPolicies(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:ListUserPolicies", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("PolicyNames");
        for (String p : u.inlinePolicies.keySet()) {
            x.el("member", p);
        }
        return c.ok(x.close("PolicyNames").el("IsTruncated", false));
    }

    private Reply putUserBoundary(Call c) {
        String name = c.required("UserName");
        String arn = c.required("PermissionsBoundary");
        c.authorize("iam:PutUserPermissionsBoundary", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (engine.managedDocument(c.account, arn) == null) {
            throw ApiError.noSuchEntity("Scope ARN: " + arn + " does not exist or is not attachable.");
        }
        u.boundaryArn = arn;
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply deleteUserBoundary(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:DeleteUserPermissionsBoundary", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (u.boundaryArn == null) {
            throw ApiError.noSuchEntity("The user with name " + name + " does not have a permissions boundary.");
        }
        u.boundaryArn = null;
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply attachUserPolicy(Call c) {
        String name = c.required("UserName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:AttachUserPolicy", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        managedOrThrow(c, arn);
        if (!u.attachedPolicies.contains(arn) && u.attachedPolicies.size() >= engine.settings.quotas().attachedPolicies()) {
            throw ApiError.limitExceeded("Cannot exceed quota for PoliciesPerUser: " + engine.settings.quotas().attachedPolicies());
        }
        u.attachedPolicies.add(arn);
        return c.ok((String) null).resource("AWS::IAM::User", name).resource("AWS::IAM::Policy", arn);
    }

    private Reply detachUserPolicy(Call c) {
        String name = c.required("UserName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:DetachUserPolicy", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!u.attachedPolicies.remove(arn)) {
            throw ApiError.noSuchEntity("Policy " + arn + " was not found.");
        }
        return c.ok((String) null).resource("AWS::IAM::User", name).resource("AWS::IAM::Policy", arn);
    }

    private Reply listAttachedUserPolicies(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:ListAttachedUserPolicies", userArn(c, name));
        return c.ok(attachedXml(existingUser(c, name).attachedPolicies));
    }

    private static Xml attachedXml(Iterable<String> arns) {
        Xml x = new Xml().open("AttachedPolicies");
        for (String arn : arns) {
            x.open("member").el("PolicyName", arn.substring(arn.lastIndexOf('/') + 1)).el("PolicyArn", arn).close("member");
        }
        return x.close("AttachedPolicies").el("IsTruncated", false);
    }

    // ------------------------------------------------------------------------------------------- access keys

    private Reply createAccessKey(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:CreateAccessKey", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        int quota = engine.settings.quotas().accessKeysPerUser();
        if (u.accessKeys.size() >= quota) {
            throw ApiError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: " + quota);
        }
        Credential k = newAccessKey(c.account, u, engine.ids.accessKeyId("AKIA", c.accountId()),
                engine.ids.secretAccessKey(), c.now);
        Reply r = c.ok(new Xml().open("AccessKey").el("UserName", u.name).el("AccessKeyId", k.accessKeyId)
                .el("Status", k.status).el("SecretAccessKey", k.secret).el("CreateDate", k.created).close("AccessKey"));
        ObjectNode re = JsonNodeFactory.instance.objectNode();
        ObjectNode ak = re.putObject("accessKey");
        ak.put("userName", u.name);
        ak.put("accessKeyId", k.accessKeyId);
        ak.put("status", k.status);
        ak.put("createDate", TRAIL_DATE.format(k.created));
        r.responseElements = re;
        return r.resource("AWS::IAM::AccessKey", k.accessKeyId).resource("AWS::IAM::User", u.name);
    }

    private Credential userKey(Call c, AccountState.User u, String keyId) {
        for (Credential k : u.accessKeys) {
            if (k.accessKeyId.equals(keyId)) {
                return k;
            }
        }
        throw ApiError.noSuchEntity("The Access Key with id " + keyId + " cannot be found.");
    }

    private Reply updateAccessKey(Call c) {
        String name = userNameOrCaller(c);
        String keyId = c.required("AccessKeyId");
        String status = c.required("Status");
        c.authorize("iam:UpdateAccessKey", userArn(c, name));
        if (!status.equals("Active") && !status.equals("Inactive") && !status.equals("Expired")) {
            throw ApiError.constraint(status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]");
        }
        AccountState.User u = existingUser(c, name);
        userKey(c, u, keyId).status = status;
        return c.ok((String) null).resource("AWS::IAM::AccessKey", keyId);
    }

    private Reply deleteAccessKey(Call c) {
        String name = userNameOrCaller(c);
        String keyId = c.required("AccessKeyId");
        c.authorize("iam:DeleteAccessKey", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Credential k = userKey(c, u, keyId);
        u.accessKeys.remove(k);
        engine.credentials.remove(keyId);
        return c.ok((String) null).resource("AWS::IAM::AccessKey", keyId).resource("AWS::IAM::User", u.name);
    }

    private Reply listAccessKeys(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:ListAccessKeys", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("AccessKeyMetadata");
        for (Credential k : u.accessKeys) {
            x.open("member").el("UserName", u.name).el("AccessKeyId", k.accessKeyId).el("Status", k.status)
                    .el("CreateDate", k.created).close("member");
        }
        return c.ok(x.close("AccessKeyMetadata").el("IsTruncated", false));
    }

    private Reply getAccessKeyLastUsed(Call c) {
        String keyId = c.required("AccessKeyId");
        Credential k = engine.credentials.get(keyId);
        if (k == null || k.kind != Credential.Kind.LONG_TERM) {
            c.authorize("iam:GetAccessKeyLastUsed", "arn:aws:iam::" + c.accountId() + ":user/*");
            throw ApiError.noSuchEntity("The Access Key with id " + keyId + " cannot be found.");
        }
        if (!k.accountId.equals(c.accountId())) {
            throw new ApiError("AccessDenied", 403, "User: " + c.cred.principalArn()
                    + " is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key " + keyId);
        }
        c.authorize("iam:GetAccessKeyLastUsed", k.iamUserArn());
        Xml x = new Xml().el("UserName", k.userName).open("AccessKeyLastUsed");
        if (k.lastUsedDate == null) {
            x.el("ServiceName", "N/A").el("Region", "N/A");
        } else {
            x.el("LastUsedDate", k.lastUsedDate).el("ServiceName", k.lastUsedService).el("Region", k.lastUsedRegion);
        }
        return c.ok(x.close("AccessKeyLastUsed"));
    }

    // ------------------------------------------------------------------------------------------ login profile

    private Reply createLoginProfile(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:CreateLoginProfile", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        String password = c.param("Password");
        if (password == null || password.isEmpty()) {
            throw new ApiError("PasswordPolicyViolation", 400, "Password should have at least one character");
        }
        if (u.loginProfile != null) {
            throw ApiError.alreadyExists("Login Profile for user " + name + " already exists.");
        }
        u.loginProfile = new AccountState.LoginProfile(c.now, Boolean.parseBoolean(c.param("PasswordResetRequired")));
        return c.ok(loginProfileXml(u)).resource("AWS::IAM::User", name);
    }

    private static Xml loginProfileXml(AccountState.User u) {
        AccountState.LoginProfile p = Objects.requireNonNull(u.loginProfile, "the caller checked the login profile");
        return new Xml().open("LoginProfile").el("UserName", u.name).el("CreateDate", p.created)
                .el("PasswordResetRequired", p.passwordResetRequired).close("LoginProfile");
    }

    private AccountState.User withLoginProfile(Call c, String name) {
        AccountState.User u = existingUser(c, name);
        if (u.loginProfile == null) {
            throw ApiError.noSuchEntity("Login Profile for User " + name + " cannot be found.");
        }
        return u;
    }

    private Reply getLoginProfile(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:GetLoginProfile", userArn(c, name));
        return c.ok(loginProfileXml(withLoginProfile(c, name)));
    }

    private Reply updateLoginProfile(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:UpdateLoginProfile", userArn(c, name));
        AccountState.LoginProfile profile = Objects.requireNonNull(withLoginProfile(c, name).loginProfile,
                "withLoginProfile returns a user with a login profile");
        String resetRequired = c.param("PasswordResetRequired");
        if (resetRequired != null) {
            profile.passwordResetRequired = Boolean.parseBoolean(resetRequired);
        }
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    private Reply deleteLoginProfile(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:DeleteLoginProfile", userArn(c, name));
        withLoginProfile(c, name).loginProfile = null;
        return c.ok((String) null).resource("AWS::IAM::User", name);
    }

    // --------------------------------------------------------------------------------------- account reports

    private Reply generateCredentialReport(Call c) {
        c.authorize("iam:GenerateCredentialReport", "*");
        AccountState a = c.account;
        Duration generation = engine.settings.credentialReportGenerationTime();
        if (a.reportGeneratedAt != null && c.now.isBefore(a.reportGeneratedAt.plus(REPORT_REUSE))) {
            boolean ready = !c.now.isBefore(a.reportGeneratedAt.plus(generation));
            return c.ok(new Xml().el("State", ready ? "COMPLETE" : "INPROGRESS"));
        }
        a.reportGeneratedAt = c.now;
        a.reportCsv = credentialReport(a, c.now).getBytes(StandardCharsets.UTF_8);
        return c.ok(new Xml().el("Description", "No report exists. Starting a new report generation task")
                .el("State", "STARTED"));
    }

    private Reply getCredentialReport(Call c) {
        c.authorize("iam:GetCredentialReport", "*");
        AccountState a = c.account;
        if (a.reportGeneratedAt == null) {
            throw new ApiError("ReportNotPresent", 410,
                    "Credential report not present. To generate a credential report, use GenerateCredentialReport.");
        }
        if (c.now.isBefore(a.reportGeneratedAt.plus(engine.settings.credentialReportGenerationTime()))) {
            throw new ApiError("ReportInProgress", 404, "Credential report is being generated.");
        }
        if (!c.now.isBefore(a.reportGeneratedAt.plus(REPORT_REUSE))) {
            throw new ApiError("ReportExpired", 410,
                    "The report is expired. To generate a credential report, use GenerateCredentialReport.");
        }
        return c.ok(new Xml().el("Content", Base64.getEncoder().encodeToString(a.reportCsv))
                .el("ReportFormat", "text/csv").el("GeneratedTime", a.reportGeneratedAt));
    }

    /** The 22-column CSV, root row first, then users by name; keys in creation order. */
    String credentialReport(AccountState a, Instant now) {
        StringBuilder sb = new StringBuilder(REPORT_HEADER).append('\n');
        sb.append("<root_account>,arn:aws:iam::").append(a.accountId).append(":root,")
                .append(REPORT_TIME.format(a.created))
                .append(",not_supported,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
        for (AccountState.User u : a.users.values()) {
            List<String> row = new ArrayList<>();
            row.add(u.name);
            row.add(u.arn);
            row.add(REPORT_TIME.format(u.created));
            AccountState.LoginProfile profile = u.loginProfile;
            boolean password = profile != null;
            row.add(Boolean.toString(password));
            row.add(password ? "no_information" : "N/A");
            row.add(profile != null ? REPORT_TIME.format(profile.created) : "N/A");
            row.add("N/A");
            row.add(Boolean.toString(!u.mfaSerials.isEmpty()));
            List<Credential> keys = new ArrayList<>(u.accessKeys);
            keys.sort(Comparator.comparing((Credential k) -> k.created));
            for (int i = 0; i < 2; i++) {
                if (i < keys.size()) {
                    Credential k = keys.get(i);
                    row.add(Boolean.toString("Active".equals(k.status)));
                    row.add(REPORT_TIME.format(k.created));
                    row.add(k.lastUsedDate == null ? "N/A" : REPORT_TIME.format(k.lastUsedDate));
                    row.add(k.lastUsedDate == null ? "N/A" : k.lastUsedRegion);
                    row.add(k.lastUsedDate == null ? "N/A" : k.lastUsedService);
                } else {
                    row.addAll(List.of("false", "N/A", "N/A", "N/A", "N/A"));
                }
            }
            for (int i = 0; i < 2; i++) {
                if (i < u.certificates.size()) {
                    AccountState.SigningCert cert = u.certificates.get(i);
                    row.add(Boolean.toString("Active".equals(cert.status)));
                    row.add(REPORT_TIME.format(cert.uploaded));
                } else {
                    row.addAll(List.of("false", "N/A"));
                }
            }
            sb.append(String.join(",", row)).append('\n');
        }
        return sb.toString();
    }

    private Reply getAccountSummary(Call c) {
        c.authorize("iam:GetAccountSummary", "*");
        AccountState a = c.account;
        IamQuotas q = engine.settings.quotas();
        int mfa = 0;
        int attached = 0;
        for (AccountState.User u : a.users.values()) {
            mfa += u.mfaSerials.size();
        }
        for (AccountState.ManagedPolicy p : a.policies.values()) {
            attached += attachmentCount(a, p.arn) > 0 ? 1 : 0;
        }
        Map<String, Integer> summary = new LinkedHashMap<>();
        summary.put("Users", a.users.size());
        summary.put("UsersQuota", q.usersPerAccount());
        summary.put("Groups", a.groups.size());
        summary.put("GroupsQuota", 300);
        summary.put("Roles", a.roles.size());
        summary.put("RolesQuota", q.rolesPerAccount());
        summary.put("Policies", a.policies.size());
        summary.put("PoliciesQuota", 1500);
        summary.put("AttachedPoliciesPerUserQuota", q.attachedPolicies());
        summary.put("AttachedPoliciesPerRoleQuota", q.attachedPolicies());
        summary.put("AttachedPoliciesPerGroupQuota", q.attachedPolicies());
        summary.put("PolicySizeQuota", q.managedPolicySize());
        summary.put("PolicyVersionsInUse", attached);
        summary.put("PolicyVersionsInUseQuota", 10000);
        summary.put("VersionsPerPolicyQuota", 5);
        summary.put("AccessKeysPerUserQuota", q.accessKeysPerUser());
        summary.put("UserPolicySizeQuota", q.userPolicySize());
        summary.put("RolePolicySizeQuota", q.rolePolicySize());
        summary.put("GroupPolicySizeQuota", q.groupPolicySize());
        summary.put("AssumeRolePolicySizeQuota", q.trustPolicySize());
        summary.put("GroupsPerUserQuota", q.groupsPerUser());
        summary.put("SigningCertificatesPerUserQuota", 2);
        summary.put("MFADevices", a.mfaDevices.size());
        summary.put("MFADevicesInUse", mfa);
        summary.put("AccountMFAEnabled", 0);
        summary.put("AccountAccessKeysPresent", 0);
        summary.put("AccountSigningCertificatesPresent", 0);
        summary.put("ServerCertificates", 0);
        summary.put("ServerCertificatesQuota", 20);
        summary.put("InstanceProfiles", 0);
        summary.put("InstanceProfilesQuota", 1000);
        summary.put("Providers", 0);
        Xml x = new Xml().open("SummaryMap");
        summary.forEach((k, v) -> x.open("entry").el("key", k).el("value", v).close("entry"));
        return c.ok(x.close("SummaryMap"));
    }

    // ------------------------------------------------------------------------------------------------- roles

    static String roleXml(AccountState.Role r, boolean full) {
        Xml x = new Xml().el("Path", r.path).el("RoleName", r.name).el("RoleId", r.roleId).el("Arn", r.arn)
                .el("CreateDate", r.created).el("AssumeRolePolicyDocument", urlEncoded(r.trustPolicy))
                .el("Description", r.description).el("MaxSessionDuration", r.maxSessionDuration);
        if (full) {
            x.raw(boundaryXml(r.boundaryArn)).raw(tagsXml(r.tags));
            x.open("RoleLastUsed");
            if (r.lastUsedDate != null) {
                x.el("LastUsedDate", r.lastUsedDate).el("Region", r.lastUsedRegion);
            }
            x.close("RoleLastUsed");
        }
        return x.toString();
    }

    private void validateTrust(String doc) {
        validatePolicy(doc, PolicyUse.TRUST);
        int quota = engine.settings.quotas().trustPolicySize();
        if (size(doc) > quota) {
            throw ApiError.limitExceeded("Cannot exceed quota for ACLSizePerRole: " + quota);
        }
    }

    private static int maxSession(Call c, int dflt) {
        int max = c.intParam("MaxSessionDuration", dflt);
        if (max < 3600 || max > 43200) {
            throw ApiError.constraint(Integer.toString(max), "maxSessionDuration",
                    "Member must have value less than or equal to 43200 and greater than or equal to 3600");
        }
        return max;
    }

    private Reply createRole(Call c) {
        String name = c.required("RoleName");
        String path = c.param("Path");
        String trust = c.required("AssumeRolePolicyDocument");
        c.authorize("iam:CreateRole", "arn:aws:iam::" + c.accountId() + ":role" + (path == null ? "/" : path) + name);
        validateName(name, "roleName", 64);
        path = validatePath(path);
        int max = maxSession(c, 3600);
        validateTrust(trust);
        if (c.account.role(name) != null) {
            throw ApiError.alreadyExists("Role with name " + name + " already exists.");
        }
        if (c.account.roles.size() >= engine.settings.quotas().rolesPerAccount()) {
            throw ApiError.limitExceeded("Cannot exceed quota for RolesPerAccount: " + engine.settings.quotas().rolesPerAccount());
        }
        String boundary = c.param("PermissionsBoundary");
        if (boundary != null && engine.managedDocument(c.account, boundary) == null) {
            throw ApiError.noSuchEntity("Scope ARN: " + boundary + " does not exist or is not attachable.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        applyTags(tags, c.tags("Tags"), "Role");
        AccountState.Role r = newRole(c.account, name, path, trust, c.now);
        r.description = c.param("Description");
        r.maxSessionDuration = max;
        r.boundaryArn = boundary;
        r.tags.putAll(tags);
        Reply reply = c.ok(new Xml().open("Role").raw(roleXml(r, false)).raw(boundaryXml(r.boundaryArn))
                .raw(tagsXml(r.tags)).close("Role"));
        ObjectNode re = JsonNodeFactory.instance.objectNode();
        ObjectNode role = re.putObject("role");
        role.put("path", r.path);
        role.put("roleName", r.name);
        role.put("roleId", r.roleId);
        role.put("arn", r.arn);
        role.put("createDate", TRAIL_DATE.format(r.created));
        reply.responseElements = re;
        return reply.resource("AWS::IAM::Role", name);
    }

    AccountState.Role newRole(AccountState a, String name, String path, String trust, Instant now) {
        AccountState.Role r = new AccountState.Role(name, path, engine.ids.uniqueId("AROA", a.accountId),
                "arn:aws:iam::" + a.accountId + ":role" + path + name, now, trust);
        a.roles.put(AccountState.key(name), r);
        return r;
    }

    private Reply getRole(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:GetRole", roleArn(c, name));
        return c.ok(new Xml().open("Role").raw(roleXml(existingRole(c, name), true)).close("Role"));
    }

    private Reply listRoles(Call c) {
        String prefix = c.param("PathPrefix");
        c.authorize("iam:ListRoles", "arn:aws:iam::" + c.accountId() + ":role" + (prefix == null ? "/" : prefix));
        List<AccountState.Role> all = new ArrayList<>();
        for (AccountState.Role r : c.account.roles.values()) {
            if (prefix == null || r.path.startsWith(prefix)) {
                all.add(r);
            }
        }
        Xml tail = new Xml();
        List<AccountState.Role> roles = page(c, all, r -> AccountState.key(r.name), tail);
        Xml x = new Xml().open("Roles");
        for (AccountState.Role r : roles) {
            x.open("member").raw(roleXml(r, false)).close("member");
        }
        return c.ok(x.close("Roles").raw(tail.toString()));
    }

    private Reply deleteRole(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:DeleteRole", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        if (!r.inlinePolicies.isEmpty()) {
            throw ApiError.deleteConflict("Cannot delete entity, must delete policies first.");
        }
        if (!r.attachedPolicies.isEmpty()) {
            throw ApiError.deleteConflict("Cannot delete entity, must detach all policies first.");
        }
        c.account.roles.remove(AccountState.key(name));
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply updateRole(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:UpdateRole", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        r.maxSessionDuration = maxSession(c, r.maxSessionDuration);
        if (c.param("Description") != null) {
            r.description = c.param("Description");
        }
        return c.ok("").resource("AWS::IAM::Role", name);
    }

    private Reply updateAssumeRolePolicy(Call c) {
        String name = c.required("RoleName");
        String doc = c.required("PolicyDocument");
        c.authorize("iam:UpdateAssumeRolePolicy", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        validateTrust(doc);
        r.trustPolicy = doc;
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply putRolePolicy(Call c) {
        String name = c.required("RoleName");
        String policyName = c.required("PolicyName");
        String doc = c.required("PolicyDocument");
        c.authorize("iam:PutRolePolicy", roleArn(c, name));
        validateName(policyName, "policyName", 128);
        AccountState.Role r = existingRole(c, name);
        validatePolicy(doc, PolicyUse.IDENTITY);
        Map<String, String> after = new LinkedHashMap<>(r.inlinePolicies);
        after.put(policyName, doc);
        int quota = engine.settings.quotas().rolePolicySize();
        if (aggregate(after) > quota) {
            throw ApiError.limitExceeded("Maximum policy size of " + quota + " bytes exceeded for role " + r.name);
        }
        r.inlinePolicies.put(policyName, doc);
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply getRolePolicy(Call c) {
        String name = c.required("RoleName");
        String policyName = c.required("PolicyName");
        c.authorize("iam:GetRolePolicy", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        String doc = r.inlinePolicies.get(policyName);
        if (doc == null) {
            throw ApiError.noSuchEntity("The role policy with name " + policyName + " cannot be found.");
        }
        return c.ok(new Xml().el("RoleName", r.name).el("PolicyName", policyName)
                .el("PolicyDocument", urlEncoded(doc)));
    }

    private Reply deleteRolePolicy(Call c) {
        String name = c.required("RoleName");
        String policyName = c.required("PolicyName");
        c.authorize("iam:DeleteRolePolicy", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        if (r.inlinePolicies.remove(policyName) == null) {
            throw ApiError.noSuchEntity("The role policy with name " + policyName + " cannot be found.");
        }
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply listRolePolicies(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:ListRolePolicies", roleArn(c, name));
        Xml x = new Xml().open("PolicyNames");
        for (String p : existingRole(c, name).inlinePolicies.keySet()) {
            x.el("member", p);
        }
        return c.ok(x.close("PolicyNames").el("IsTruncated", false));
    }

    private Reply attachRolePolicy(Call c) {
        String name = c.required("RoleName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:AttachRolePolicy", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        managedOrThrow(c, arn);
        if (!r.attachedPolicies.contains(arn) && r.attachedPolicies.size() >= engine.settings.quotas().attachedPolicies()) {
            throw ApiError.limitExceeded("Cannot exceed quota for PoliciesPerRole: " + engine.settings.quotas().attachedPolicies());
        }
        r.attachedPolicies.add(arn);
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply detachRolePolicy(Call c) {
        String name = c.required("RoleName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:DetachRolePolicy", roleArn(c, name));
        if (!existingRole(c, name).attachedPolicies.remove(arn)) {
            throw ApiError.noSuchEntity("Policy " + arn + " was not found.");
        }
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply listAttachedRolePolicies(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:ListAttachedRolePolicies", roleArn(c, name));
        return c.ok(attachedXml(existingRole(c, name).attachedPolicies));
    }

    private Reply putRoleBoundary(Call c) {
        String name = c.required("RoleName");
        String arn = c.required("PermissionsBoundary");
        c.authorize("iam:PutRolePermissionsBoundary", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        if (engine.managedDocument(c.account, arn) == null) {
            throw ApiError.noSuchEntity("Scope ARN: " + arn + " does not exist or is not attachable.");
        }
        r.boundaryArn = arn;
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply deleteRoleBoundary(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:DeleteRolePermissionsBoundary", roleArn(c, name));
        existingRole(c, name).boundaryArn = null;
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply tagRole(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:TagRole", roleArn(c, name));
        applyTags(existingRole(c, name).tags, c.tags("Tags"), "Role");
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    private Reply untagRole(Call c) {
        String name = c.required("RoleName");
        c.authorize("iam:UntagRole", roleArn(c, name));
        AccountState.Role r = existingRole(c, name);
        for (String k : c.list("TagKeys", null)) {
            r.tags.keySet().removeIf(key -> key.equalsIgnoreCase(k));
        }
        return c.ok((String) null).resource("AWS::IAM::Role", name);
    }

    // -------------------------------------------------------------------------------------- managed policies

    static int attachmentCount(AccountState a, String arn) {
        int n = 0;
        for (AccountState.User u : a.users.values()) {
            n += u.attachedPolicies.contains(arn) ? 1 : 0;
        }
        for (AccountState.Role r : a.roles.values()) {
            n += r.attachedPolicies.contains(arn) ? 1 : 0;
        }
        for (AccountState.Group g : a.groups.values()) {
            n += g.attachedPolicies.contains(arn) ? 1 : 0;
        }
        return n;
    }

    static int boundaryCount(AccountState a, String arn) {
        int n = 0;
        for (AccountState.User u : a.users.values()) {
            n += arn.equals(u.boundaryArn) ? 1 : 0;
        }
        for (AccountState.Role r : a.roles.values()) {
            n += arn.equals(r.boundaryArn) ? 1 : 0;
        }
        return n;
    }

    private static String policyXml(AccountState a, AccountState.ManagedPolicy p) {
        return new Xml().el("PolicyName", p.name).el("PolicyId", p.policyId).el("Arn", p.arn).el("Path", p.path)
                .el("DefaultVersionId", "v1").el("AttachmentCount", attachmentCount(a, p.arn))
                .el("PermissionsBoundaryUsageCount", boundaryCount(a, p.arn)).el("IsAttachable", true)
                .el("Description", p.description).el("CreateDate", p.created).el("UpdateDate", p.updated)
                .raw(tagsXml(p.tags)).toString();
    }

    private AccountState.ManagedPolicy existingPolicy(Call c, String arn) {
        AccountState.ManagedPolicy p = c.account.policies.get(arn);
        if (p == null) {
            throw ApiError.noSuchEntity("Policy " + arn + " does not exist or is not attachable.");
        }
        return p;
    }

    private Reply createPolicy(Call c) {
        String name = c.required("PolicyName");
        String path = c.param("Path");
        String doc = c.required("PolicyDocument");
        String arn = "arn:aws:iam::" + c.accountId() + ":policy" + (path == null ? "/" : path) + name;
        c.authorize("iam:CreatePolicy", arn);
        validateName(name, "policyName", 128);
        path = validatePath(path);
        validatePolicy(doc, PolicyUse.IDENTITY);
        int quota = engine.settings.quotas().managedPolicySize();
        if (size(doc) > quota) {
            throw ApiError.limitExceeded("Cannot exceed quota for PolicySize: " + quota);
        }
        if (c.account.policies.containsKey(arn)) {
            throw ApiError.alreadyExists("A policy called " + name + " already exists. Duplicate names are not allowed.");
        }
        AccountState.ManagedPolicy p = newPolicy(c.account, name, path, doc, c.now);
        p.description = c.param("Description");
        applyTags(p.tags, c.tags("Tags"), "Policy");
        return c.ok(new Xml().open("Policy").raw(policyXml(c.account, p)).close("Policy"))
                .resource("AWS::IAM::Policy", arn);
    }

    AccountState.ManagedPolicy newPolicy(AccountState a, String name, String path, String doc, Instant now) {
        AccountState.ManagedPolicy p = new AccountState.ManagedPolicy(name, path,
                engine.ids.uniqueId("ANPA", a.accountId), "arn:aws:iam::" + a.accountId + ":policy" + path + name,
                doc, now);
        a.policies.put(p.arn, p);
        return p;
    }

    private Reply getPolicy(Call c) {
        String arn = c.required("PolicyArn");
        c.authorize("iam:GetPolicy", arn);
        return c.ok(new Xml().open("Policy").raw(policyXml(c.account, existingPolicy(c, arn))).close("Policy"));
    }

    private Reply getPolicyVersion(Call c) {
        String arn = c.required("PolicyArn");
        String version = c.required("VersionId");
        c.authorize("iam:GetPolicyVersion", arn);
        AccountState.ManagedPolicy p = existingPolicy(c, arn);
        if (!"v1".equals(version)) {
            throw ApiError.noSuchEntity("Policy " + arn + " version " + version + " does not exist or is not attachable.");
        }
        return c.ok(new Xml().open("PolicyVersion").el("Document", urlEncoded(p.document)).el("VersionId", "v1")
                .el("IsDefaultVersion", true).el("CreateDate", p.created).close("PolicyVersion"));
    }

    private Reply deletePolicy(Call c) {
        String arn = c.required("PolicyArn");
        c.authorize("iam:DeletePolicy", arn);
        existingPolicy(c, arn);
        if (attachmentCount(c.account, arn) > 0 || boundaryCount(c.account, arn) > 0) {
            throw ApiError.deleteConflict("Cannot delete a policy attached to entities.");
        }
        c.account.policies.remove(arn);
        return c.ok((String) null).resource("AWS::IAM::Policy", arn);
    }

    private Reply listPolicies(Call c) {
        c.authorize("iam:ListPolicies", "arn:aws:iam::" + c.accountId() + ":policy/");
        String scope = c.param("Scope");
        List<AccountState.ManagedPolicy> all = new ArrayList<>();
        if (!"AWS".equals(scope)) {
            all.addAll(c.account.policies.values());
        }
        Xml tail = new Xml();
        List<AccountState.ManagedPolicy> items = page(c, all, p -> p.arn, tail);
        Xml x = new Xml().open("Policies");
        for (AccountState.ManagedPolicy p : items) {
            x.open("member").raw(policyXml(c.account, p)).close("member");
        }
        return c.ok(x.close("Policies").raw(tail.toString()));
    }

    // ------------------------------------------------------------------------------------------------ groups

    private Reply createGroup(Call c) {
        String name = c.required("GroupName");
        String path = c.param("Path");
        c.authorize("iam:CreateGroup", "arn:aws:iam::" + c.accountId() + ":group" + (path == null ? "/" : path) + name);
        validateName(name, "groupName", 128);
        path = validatePath(path);
        if (c.account.group(name) != null) {
            throw ApiError.alreadyExists("Group with name " + name + " already exists.");
        }
        AccountState.Group g = new AccountState.Group(name, path, engine.ids.uniqueId("AGPA", c.accountId()),
                "arn:aws:iam::" + c.accountId() + ":group" + path + name, c.now);
        c.account.groups.put(AccountState.key(name), g);
        return c.ok(new Xml().open("Group").raw(groupXml(g)).close("Group"));
    }

    private static String groupXml(AccountState.Group g) {
        return new Xml().el("Path", g.path).el("GroupName", g.name).el("GroupId", g.groupId).el("Arn", g.arn)
                .el("CreateDate", g.created).toString();
    }

    private Reply getGroup(Call c) {
        String name = c.required("GroupName");
        c.authorize("iam:GetGroup", groupArn(c, name));
        AccountState.Group g = existingGroup(c, name);
        Xml x = new Xml().open("Group").raw(groupXml(g)).close("Group").open("Users");
        for (AccountState.User u : c.account.users.values()) {
            if (u.groups.contains(AccountState.key(g.name))) {
                x.open("member").raw(userXml(u, false)).close("member");
            }
        }
        return c.ok(x.close("Users").el("IsTruncated", false));
    }

    private Reply deleteGroup(Call c) {
        String name = c.required("GroupName");
        c.authorize("iam:DeleteGroup", groupArn(c, name));
        AccountState.Group g = existingGroup(c, name);
        for (AccountState.User u : c.account.users.values()) {
            if (u.groups.contains(AccountState.key(g.name))) {
                throw ApiError.deleteConflict("Cannot delete entity, must remove users from group first.");
            }
        }
        if (!g.inlinePolicies.isEmpty()) {
            throw ApiError.deleteConflict("Cannot delete entity, must delete policies first.");
        }
        if (!g.attachedPolicies.isEmpty()) {
            throw ApiError.deleteConflict("Cannot delete entity, must detach all policies first.");
        }
        c.account.groups.remove(AccountState.key(name));
        return c.ok((String) null);
    }

    private Reply addUserToGroup(Call c) {
        String group = c.required("GroupName");
        String name = c.required("UserName");
        c.authorize("iam:AddUserToGroup", groupArn(c, group));
        AccountState.Group g = existingGroup(c, group);
        AccountState.User u = existingUser(c, name);
        if (!u.groups.contains(AccountState.key(g.name)) && u.groups.size() >= engine.settings.quotas().groupsPerUser()) {
            throw ApiError.limitExceeded("Cannot exceed quota for GroupsPerUser: " + engine.settings.quotas().groupsPerUser());
        }
        u.groups.add(AccountState.key(g.name));
        return c.ok((String) null).resource("AWS::IAM::User", u.name);
    }

    private Reply removeUserFromGroup(Call c) {
        String group = c.required("GroupName");
        String name = c.required("UserName");
        c.authorize("iam:RemoveUserFromGroup", groupArn(c, group));
        AccountState.Group g = existingGroup(c, group);
        AccountState.User u = existingUser(c, name);
        if (!u.groups.remove(AccountState.key(g.name))) {
            throw ApiError.noSuchEntity("User " + name + " is not in group " + group + ".");
        }
        return c.ok((String) null).resource("AWS::IAM::User", u.name);
    }

    private Reply listGroupsForUser(Call c) {
        String name = c.required("UserName");
        c.authorize("iam:ListGroupsForUser", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("Groups");
        for (String g : u.groups) {
            AccountState.Group group = c.account.group(g);
            if (group != null) {
                x.open("member").raw(groupXml(group)).close("member");
            }
        }
        return c.ok(x.close("Groups").el("IsTruncated", false));
    }

    private Reply putGroupPolicy(Call c) {
        String name = c.required("GroupName");
        String policyName = c.required("PolicyName");
        String doc = c.required("PolicyDocument");
        c.authorize("iam:PutGroupPolicy", groupArn(c, name));
        validateName(policyName, "policyName", 128);
        AccountState.Group g = existingGroup(c, name);
        validatePolicy(doc, PolicyUse.IDENTITY);
        Map<String, String> after = new LinkedHashMap<>(g.inlinePolicies);
        after.put(policyName, doc);
        int quota = engine.settings.quotas().groupPolicySize();
        if (aggregate(after) > quota) {
            throw ApiError.limitExceeded("Maximum policy size of " + quota + " bytes exceeded for group " + g.name);
        }
        g.inlinePolicies.put(policyName, doc);
        return c.ok((String) null);
    }

    private Reply deleteGroupPolicy(Call c) {
        String name = c.required("GroupName");
        String policyName = c.required("PolicyName");
        c.authorize("iam:DeleteGroupPolicy", groupArn(c, name));
        if (existingGroup(c, name).inlinePolicies.remove(policyName) == null) {
            throw ApiError.noSuchEntity("The group policy with name " + policyName + " cannot be found.");
        }
        return c.ok((String) null);
    }

    private Reply attachGroupPolicy(Call c) {
        String name = c.required("GroupName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:AttachGroupPolicy", groupArn(c, name));
        AccountState.Group g = existingGroup(c, name);
        managedOrThrow(c, arn);
        g.attachedPolicies.add(arn);
        return c.ok((String) null);
    }

    private Reply detachGroupPolicy(Call c) {
        String name = c.required("GroupName");
        String arn = c.required("PolicyArn");
        c.authorize("iam:DetachGroupPolicy", groupArn(c, name));
        if (!existingGroup(c, name).attachedPolicies.remove(arn)) {
            throw ApiError.noSuchEntity("Policy " + arn + " was not found.");
        }
        return c.ok((String) null);
    }

    // --------------------------------------------------------------------------- other credentials of a user

    private Reply uploadSshKey(Call c) {
        String name = c.required("UserName");
        String body = c.required("SSHPublicKeyBody");
        c.authorize("iam:UploadSSHPublicKey", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!body.startsWith("ssh-") && !body.startsWith("ecdsa-") && !body.startsWith("-----BEGIN")) {
            throw new ApiError("InvalidPublicKey", 400, "The public key is not valid.");
        }
        if (u.sshKeys.size() >= 5) {
            throw ApiError.limitExceeded("Cannot exceed quota for KeysPerUser: 5");
        }
        AccountState.SshKey k = new AccountState.SshKey(engine.ids.uniqueId("APKA", c.accountId()), body,
                fingerprint(body), c.now);
        u.sshKeys.add(k);
        return c.ok(new Xml().open("SSHPublicKey").el("UserName", u.name).el("SSHPublicKeyId", k.id)
                .el("Fingerprint", k.fingerprint).el("SSHPublicKeyBody", k.body).el("Status", k.status)
                .el("UploadDate", k.uploaded).close("SSHPublicKey"));
    }

    private static String fingerprint(String body) {
        String hex = Trail.md5(body.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }

    private Reply listSshKeys(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:ListSSHPublicKeys", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("SSHPublicKeys");
        for (AccountState.SshKey k : u.sshKeys) {
            x.open("member").el("UserName", u.name).el("SSHPublicKeyId", k.id).el("Status", k.status)
                    .el("UploadDate", k.uploaded).close("member");
        }
        return c.ok(x.close("SSHPublicKeys").el("IsTruncated", false));
    }

    private Reply deleteSshKey(Call c) {
        String name = c.required("UserName");
        String id = c.required("SSHPublicKeyId");
        c.authorize("iam:DeleteSSHPublicKey", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!u.sshKeys.removeIf(k -> k.id.equals(id))) {
            throw ApiError.noSuchEntity("The Public Key with id " + id + " cannot be found.");
        }
        return c.ok((String) null);
    }

    private Reply uploadCertificate(Call c) {
        String name = userNameOrCaller(c);
        String body = c.required("CertificateBody");
        c.authorize("iam:UploadSigningCertificate", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!body.contains("BEGIN CERTIFICATE")) {
            throw new ApiError("MalformedCertificate", 400, "Certificate is not valid.");
        }
        if (u.certificates.size() >= 2) {
            throw ApiError.limitExceeded("Cannot exceed quota for SigningCertificatesPerUser: 2");
        }
        AccountState.SigningCert cert = new AccountState.SigningCert(engine.ids.upperAlnum(32), body, c.now);
        u.certificates.add(cert);
        return c.ok(new Xml().open("Certificate").el("UserName", u.name).el("CertificateId", cert.id)
                .el("CertificateBody", cert.body).el("Status", cert.status).el("UploadDate", cert.uploaded)
                .close("Certificate"));
    }

    private Reply listCertificates(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:ListSigningCertificates", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("Certificates");
        for (AccountState.SigningCert cert : u.certificates) {
            x.open("member").el("UserName", u.name).el("CertificateId", cert.id).el("CertificateBody", cert.body)
                    .el("Status", cert.status).el("UploadDate", cert.uploaded).close("member");
        }
        return c.ok(x.close("Certificates").el("IsTruncated", false));
    }

    private Reply deleteCertificate(Call c) {
        String name = userNameOrCaller(c);
        String id = c.required("CertificateId");
        c.authorize("iam:DeleteSigningCertificate", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!u.certificates.removeIf(k -> k.id.equals(id))) {
            throw ApiError.noSuchEntity("The Certificate with id " + id + " cannot be found.");
        }
        return c.ok((String) null);
    }

    private Reply createServiceCredential(Call c) {
        String name = c.required("UserName");
        String service = c.required("ServiceName");
        c.authorize("iam:CreateServiceSpecificCredential", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!service.equals("codecommit.amazonaws.com") && !service.equals("cassandra.amazonaws.com")
                && !service.equals("bedrock.amazonaws.com")) {
            throw new ApiError("NotSupportedService", 404, "The specified service is not supported.");
        }
        if (u.serviceCredentials.size() >= 2) {
            throw ApiError.limitExceeded("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2");
        }
        AccountState.ServiceCredential s = new AccountState.ServiceCredential(engine.ids.uniqueId("ACCA", c.accountId()),
                service, u.name + "-at-" + c.accountId(), c.now);
        u.serviceCredentials.add(s);
        return c.ok(new Xml().open("ServiceSpecificCredential").el("CreateDate", s.created).el("ServiceName", service)
                .el("ServiceUserName", s.serviceUserName).el("ServicePassword", engine.ids.secretAccessKey())
                .el("ServiceSpecificCredentialId", s.id).el("UserName", u.name).el("Status", s.status)
                .close("ServiceSpecificCredential"));
    }

    private Reply listServiceCredentials(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:ListServiceSpecificCredentials", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        String service = c.param("ServiceName");
        Xml x = new Xml().open("ServiceSpecificCredentials");
        for (AccountState.ServiceCredential s : u.serviceCredentials) {
            if (service == null || service.equals(s.serviceName)) {
                x.open("member").el("UserName", u.name).el("Status", s.status).el("ServiceUserName", s.serviceUserName)
                        .el("CreateDate", s.created).el("ServiceSpecificCredentialId", s.id)
                        .el("ServiceName", s.serviceName).close("member");
            }
        }
        return c.ok(x.close("ServiceSpecificCredentials"));
    }

    private Reply deleteServiceCredential(Call c) {
        String name = userNameOrCaller(c);
        String id = c.required("ServiceSpecificCredentialId");
        c.authorize("iam:DeleteServiceSpecificCredential", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!u.serviceCredentials.removeIf(s -> s.id.equals(id))) {
            throw ApiError.noSuchEntity("No such credential " + id + " exists");
        }
        return c.ok((String) null);
    }

    private Reply createVirtualMfa(Call c) {
        String name = c.required("VirtualMFADeviceName");
        String path = c.param("Path");
        String serial = "arn:aws:iam::" + c.accountId() + ":mfa" + (path == null ? "/" : path) + name;
        c.authorize("iam:CreateVirtualMFADevice", serial);
        validateName(name, "virtualMFADeviceName", 226);
        if (c.account.mfaDevices.containsKey(serial)) {
            throw ApiError.alreadyExists("MFADevice entity at the same path and name already exists.");
        }
        AccountState.MfaDevice d = new AccountState.MfaDevice(serial);
        c.account.mfaDevices.put(serial, d);
        String seed = engine.ids.upperAlnum(64);
        return c.ok(new Xml().open("VirtualMFADevice").el("SerialNumber", serial)
                .el("Base32StringSeed", Base64.getEncoder().encodeToString(seed.getBytes(StandardCharsets.US_ASCII)))
                .close("VirtualMFADevice"));
    }

    private Reply enableMfa(Call c) {
        String name = c.required("UserName");
        String serial = c.required("SerialNumber");
        c.authorize("iam:EnableMFADevice", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        AccountState.MfaDevice d = c.account.mfaDevices.get(serial);
        if (d == null) {
            throw ApiError.noSuchEntity("VirtualMFADevice with serial number " + serial + " does not exist.");
        }
        if (d.userName != null) {
            throw ApiError.alreadyExists("MFA Device is already in use.");
        }
        String code1 = c.required("AuthenticationCode1");
        String code2 = c.required("AuthenticationCode2");
        if (!code1.matches("[0-9]{6}") || !code2.matches("[0-9]{6}")) {
            throw new ApiError("InvalidAuthenticationCode", 403, "Authentication code for the MFA device is not valid.");
        }
        d.userName = u.name;
        d.enabled = c.now;
        u.mfaSerials.add(serial);
        return c.ok((String) null).resource("AWS::IAM::User", u.name);
    }

    private Reply listMfa(Call c) {
        String name = userNameOrCaller(c);
        c.authorize("iam:ListMFADevices", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        Xml x = new Xml().open("MFADevices");
        for (String serial : u.mfaSerials) {
            AccountState.MfaDevice d = c.account.mfaDevices.get(serial);
            x.open("member").el("UserName", u.name).el("SerialNumber", serial)
                    .el("EnableDate", d == null || d.enabled == null ? u.created : d.enabled).close("member");
        }
        return c.ok(x.close("MFADevices").el("IsTruncated", false));
    }

    private Reply deactivateMfa(Call c) {
        String name = c.required("UserName");
        String serial = c.required("SerialNumber");
        c.authorize("iam:DeactivateMFADevice", userArn(c, name));
        AccountState.User u = existingUser(c, name);
        if (!u.mfaSerials.remove(serial)) {
            throw ApiError.noSuchEntity("MFA Device with serial number " + serial + " does not exist.");
        }
        AccountState.MfaDevice d = c.account.mfaDevices.get(serial);
        if (d != null) {
            d.userName = null;
            d.enabled = null;
        }
        return c.ok((String) null).resource("AWS::IAM::User", u.name);
    }

    private Reply deleteVirtualMfa(Call c) {
        String serial = c.required("SerialNumber");
        c.authorize("iam:DeleteVirtualMFADevice", serial);
        AccountState.MfaDevice d = c.account.mfaDevices.get(serial);
        if (d == null) {
            throw ApiError.noSuchEntity("VirtualMFADevice with serial number " + serial + " does not exist.");
        }
        if (d.userName != null) {
            throw ApiError.deleteConflict("MFA VirtualDevice in use. Must deactivate first.");
        }
        c.account.mfaDevices.remove(serial);
        return c.ok((String) null);
    }
}
