package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** STS over the Query protocol: GetCallerIdentity, AssumeRole, GetFederationToken, GetSessionToken. */
final class StsApi {
    private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9_+=,.@-]*");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/(?:.*/)?([^/]+)");
    private static final int PACKED_LIMIT = 2048;

    private final Engine engine;

    StsApi(Engine engine) {
        this.engine = engine;
    }

    Reply handle(Call c) {
        return switch (c.op()) {
            case "GetCallerIdentity" -> getCallerIdentity(c);
            case "AssumeRole" -> assumeRole(c);
            case "GetFederationToken" -> getFederationToken(c);
            case "GetSessionToken" -> getSessionToken(c);
            case "GetAccessKeyInfo" -> getAccessKeyInfo(c);
            default -> {
                refuseFederated(c);
                c.authorize("sts:" + c.op(), "*");
                throw new ApiError("InvalidAction", 400, "The emulator does not implement sts:" + c.op() + ".");
            }
        };
    }

    /** Federated users may call no STS API but GetCallerIdentity. */
    private static void refuseFederated(Call c) {
        if (c.cred.kind == Credential.Kind.FEDERATED) {
            throw new ApiError("AccessDenied", 403, "Cannot call " + c.op() + " with session credentials");
        }
    }

    private Reply getCallerIdentity(Call c) {
        // needs no permission and cannot be denied
        return c.ok(new Xml().el("Arn", c.cred.principalArn()).el("UserId", c.cred.principalId())
                .el("Account", c.accountId()));
    }

    private Reply getAccessKeyInfo(Call c) {
        refuseFederated(c);
        String keyId = c.required("AccessKeyId");
        c.authorize("sts:GetAccessKeyInfo", "*");
        Credential k = engine.credentials.get(keyId);
        String account = k != null ? k.accountId : decodeAccount(keyId);
        if (account == null) {
            throw ApiError.validation("The access key ID is not valid.");
        }
        return c.ok(new Xml().el("Account", account));
    }

    private static @Nullable String decodeAccount(String keyId) {
        if (keyId.length() < 13) {
            return null;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        long v = 0;
        for (int i = 4; i < 13; i++) {
            int d = alphabet.indexOf(keyId.charAt(i));
            if (d < 0) {
                return null;
            }
            v = (v << 5) | d;
        }
        if ((v >>> 44) != 1) {
            return null;
        }
        long account = (v >>> 4) & 0xFF_FFFF_FFFFL;
        return account > 999_999_999_999L ? null : String.format("%012d", account);
    }

    private static int duration(Call c, int dflt, int min, int max) {
        int d = c.intParam("DurationSeconds", dflt);
        if (d < min) {
            throw ApiError.constraint(Integer.toString(d), "durationSeconds",
                    "Member must have value greater than or equal to " + min);
        }
        if (d > max) {
            throw ApiError.constraint(Integer.toString(d), "durationSeconds",
                    "Member must have value less than or equal to " + max);
        }
        return d;
    }

    /** Validates the inline session policy and the managed ones; returns the session policy documents (or null). */
    private @Nullable List<String> sessionPolicies(Call c) {
        String inline = c.param("Policy");
        List<String> arns = c.list("PolicyArns", "arn");
        if (inline == null && arns.isEmpty()) {
            return null;
        }
        List<String> docs = new ArrayList<>();
        int packed = 0;
        if (inline != null) {
            if (inline.length() > PACKED_LIMIT) {
                throw ApiError.constraint("policy", "policy", "Member must have length less than or equal to 2048");
            }
            IamApi.validatePolicy(inline, IamApi.PolicyUse.SESSION);
            docs.add(inline);
            packed += IamApi.size(inline);
        }
        if (arns.size() > 10) {
            throw ApiError.constraint(arns.toString(), "policyArns", "Member must have length less than or equal to 10");
        }
        for (String arn : arns) {
            String doc = engine.managedDocument(c.account, arn);
            if (doc == null) {
                throw ApiError.validation("Policy " + arn + " does not exist or is not attachable.");
            }
            docs.add(doc);
            packed += arn.length();
        }
        packed += 32 * c.tags("Tags").size();
        if (packed > PACKED_LIMIT) {
            throw new ApiError("PackedPolicyTooLarge", 400, "Packed policy consumes "
                    + (packed * 100 / PACKED_LIMIT) + "% of allotted space, please use smaller policy.");
        }
        return docs;
    }

    private static int packedPolicySize(Call c) {
        int packed = 0;
        String inline = c.param("Policy");
        if (inline != null) {
            packed += IamApi.size(inline);
        }
        for (String arn : c.list("PolicyArns", "arn")) {
            packed += arn.length();
        }
        packed += 32 * c.tags("Tags").size();
        return packed == 0 ? -1 : Math.max(1, (packed * 100 + PACKED_LIMIT - 1) / PACKED_LIMIT);
    }

    private Reply assumeRole(Call c) {
        refuseFederated(c);
        String roleArn = c.required("RoleArn");
        String sessionName = c.required("RoleSessionName");
        if (roleArn.length() < 20 || roleArn.length() > 2048) {
            throw ApiError.constraint(roleArn, "roleArn", "Member must have length greater than or equal to 20");
        }
        if (sessionName.length() < 2) {
            throw ApiError.constraint(sessionName, "roleSessionName", "Member must have length greater than or equal to 2");
        }
        if (sessionName.length() > 64) {
            throw ApiError.constraint(sessionName, "roleSessionName", "Member must have length less than or equal to 64");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw ApiError.constraint(sessionName, "roleSessionName",
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        int seconds = duration(c, 3600, 900, 43200);
        String sourceIdentity = c.param("SourceIdentity");
        if (sourceIdentity != null) {
            if (sourceIdentity.length() < 2 || sourceIdentity.length() > 64
                    || !SESSION_NAME.matcher(sourceIdentity).matches()) {
                throw ApiError.constraint(sourceIdentity, "sourceIdentity",
                        "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
            }
            if (sourceIdentity.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw ApiError.validation("SourceIdentity cannot begin with the prefix 'aws:'");
            }
        }
        if (c.cred.sourceIdentity != null) {
            if (sourceIdentity != null && !sourceIdentity.equals(c.cred.sourceIdentity)) {
                throw new ApiError("AccessDenied", 403, "User: " + c.cred.principalArn()
                        + " is not authorized to perform: sts:SetSourceIdentity on resource: " + roleArn);
            }
            sourceIdentity = c.cred.sourceIdentity;
        }
        String externalId = c.param("ExternalId");
        if (externalId != null && (externalId.length() < 2 || externalId.length() > 1224)) {
            throw ApiError.constraint(externalId, "externalId", "Member must have length greater than or equal to 2");
        }
        List<String[]> tags = c.tags("Tags");
        if (tags.size() > 50) {
            throw ApiError.constraint("tags", "tags", "Member must have length less than or equal to 50");
        }
        List<String> session = sessionPolicies(c);

        // the role, its trust policy and the caller's own permissions
        var m = ROLE_ARN.matcher(roleArn);
        AccountState owner = m.matches() ? engine.accounts.get(m.group(1)) : null;
        AccountState.Role role = owner == null ? null : owner.role(m.group(2));
        if (role != null && !role.arn.equals(roleArn)) {
            role = null; // the path in the ARN must match
        }
        Map<String, List<String>> ctx = new HashMap<>();
        ctx.put("sts:rolesessionname", List.of(sessionName));
        if (externalId != null) {
            ctx.put("sts:externalid", List.of(externalId));
        }
        if (sourceIdentity != null) {
            ctx.put("sts:sourceidentity", List.of(sourceIdentity));
        }
        for (String[] t : tags) {
            ctx.put("aws:requesttag/" + t[0].toLowerCase(Locale.ROOT), List.of(t[1]));
        }
        if (role == null || owner == null) {
            throw notAuthorized(c, roleArn);
        }
        if (c.now.isBefore(role.created.plus(engine.faults.rolePropagationDelay()))) {
            throw notAuthorized(c, roleArn);
        }
        Authorizer.Decision d = c.decide("sts:AssumeRole", role.arn, role.trustPolicy, owner.accountId, ctx);
        if (!d.allowed()) {
            throw d.by() == Authorizer.PolicyKind.RESOURCE ? notAuthorized(c, roleArn)
                    : engine.denied(c, "sts:AssumeRole", role.arn, d);
        }
        boolean chained = c.cred.kind == Credential.Kind.ROLE_SESSION;
        if (chained && seconds > 3600) {
            throw ApiError.validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        if (seconds > role.maxSessionDuration) {
            throw ApiError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        Credential s = new Credential(Credential.Kind.ROLE_SESSION, engine.ids.accessKeyId("ASIA", owner.accountId),
                owner.accountId, engine.ids.secretAccessKey(), engine.ids.sessionToken(), c.now,
                c.now.plus(Duration.ofSeconds(seconds)));
        s.roleName = role.name;
        s.roleId = role.roleId;
        s.roleArn = role.arn;
        s.sessionName = sessionName;
        s.sourceIdentity = sourceIdentity;
        s.sessionPolicies = session;
        s.chained = chained;
        Map<String, String> sessionTags = new LinkedHashMap<>();
        if (chained) {
            sessionTags.putAll(c.cred.sessionTags);
        }
        for (String[] t : tags) {
            sessionTags.put(t[0], t[1]);
        }
        s.sessionTags = Map.copyOf(sessionTags);
        engine.addSession(s, c.now);
        role.lastUsedDate = c.now;
        role.lastUsedRegion = c.region;

        int packed = packedPolicySize(c);
        Xml x = credentialsXml(s).open("AssumedRoleUser").el("AssumedRoleId", s.principalId())
                .el("Arn", s.principalArn()).close("AssumedRoleUser");
        if (packed > 0) {
            x.el("PackedPolicySize", packed);
        }
        x.el("SourceIdentity", sourceIdentity);
        Reply r = c.ok(x);
        ObjectNode re = trailCredentials(s);
        ObjectNode aru = re.putObject("assumedRoleUser");
        aru.put("assumedRoleId", s.principalId());
        aru.put("arn", s.principalArn());
        if (packed > 0) {
            re.put("packedPolicySize", packed);
        }
        if (sourceIdentity != null) {
            re.put("sourceIdentity", sourceIdentity);
        }
        r.responseElements = re;
        ObjectNode rp = JsonNodeFactory.instance.objectNode();
        rp.put("roleArn", roleArn);
        rp.put("roleSessionName", sessionName);
        if (c.param("DurationSeconds") != null) {
            rp.put("durationSeconds", seconds);
        }
        if (externalId != null) {
            rp.put("externalId", externalId);
        }
        if (sourceIdentity != null && c.param("SourceIdentity") != null) {
            rp.put("sourceIdentity", sourceIdentity);
        }
        if (c.param("Policy") != null) {
            rp.put("policy", c.param("Policy"));
        }
        if (!tags.isEmpty()) {
            var arr = rp.putArray("tags");
            for (String[] t : tags) {
                arr.addObject().put("key", t[0]).put("value", t[1]);
            }
        }
        r.requestParameters = rp;
        return r.resource("AWS::IAM::Role", role.arn).resource("AWS::IAM::AccessKey", s.accessKeyId);
    }

    private static ApiError notAuthorized(Call c, String roleArn) {
        return new ApiError("AccessDenied", 403, "User: " + c.cred.principalArn()
                + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
    }

    private Reply getFederationToken(Call c) {
        if (c.cred.kind != Credential.Kind.LONG_TERM) {
            throw new ApiError("AccessDenied", 403, "Cannot call GetFederationToken with session credentials");
        }
        String name = c.required("Name");
        if (name.length() < 2) {
            throw ApiError.constraint(name, "name", "Member must have length greater than or equal to 2");
        }
        if (name.length() > 32) {
            throw ApiError.constraint(name, "name", "Member must have length less than or equal to 32");
        }
        if (!SESSION_NAME.matcher(name).matches()) {
            throw ApiError.constraint(name, "name", "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        int seconds = duration(c, 43200, 900, 129600);
        c.authorize("sts:GetFederationToken", "arn:aws:sts::" + c.accountId() + ":federated-user/" + name);
        List<String> session = sessionPolicies(c);
        Credential s = new Credential(Credential.Kind.FEDERATED, engine.ids.accessKeyId("ASIA", c.accountId()),
                c.accountId(), engine.ids.secretAccessKey(), engine.ids.sessionToken(), c.now,
                c.now.plus(Duration.ofSeconds(seconds)));
        s.userName = c.cred.userName;
        s.userId = c.cred.userId;
        s.userArn = c.cred.userArn;
        s.federatedName = name;
        s.sessionPolicies = session;
        engine.addSession(s, c.now);
        int packed = packedPolicySize(c);
        Xml x = credentialsXml(s).open("FederatedUser").el("FederatedUserId", s.principalId())
                .el("Arn", s.principalArn()).close("FederatedUser");
        if (packed > 0) {
            x.el("PackedPolicySize", packed);
        }
        Reply r = c.ok(x);
        ObjectNode re = trailCredentials(s);
        ObjectNode fu = re.putObject("federatedUser");
        fu.put("federatedUserId", s.principalId());
        fu.put("arn", s.principalArn());
        if (packed > 0) {
            re.put("packedPolicySize", packed);
        }
        r.responseElements = re;
        return r.resource("AWS::STS::FederatedUser", s.principalArn()).resource("AWS::IAM::AccessKey", s.accessKeyId);
    }

    private Reply getSessionToken(Call c) {
        if (c.cred.kind != Credential.Kind.LONG_TERM) {
            throw new ApiError("AccessDenied", 403, "Cannot call GetSessionToken with session credentials");
        }
        int seconds = duration(c, 43200, 900, 129600);
        // needs no permission (as in AWS)
        Credential s = new Credential(Credential.Kind.USER_SESSION, engine.ids.accessKeyId("ASIA", c.accountId()),
                c.accountId(), engine.ids.secretAccessKey(), engine.ids.sessionToken(), c.now,
                c.now.plus(Duration.ofSeconds(seconds)));
        s.userName = c.cred.userName;
        s.userId = c.cred.userId;
        s.userArn = c.cred.userArn;
        engine.addSession(s, c.now);
        Reply r = c.ok(credentialsXml(s));
        r.responseElements = trailCredentials(s);
        return r.resource("AWS::IAM::AccessKey", s.accessKeyId);
    }

    private static Xml credentialsXml(Credential s) {
        return new Xml().open("Credentials").el("AccessKeyId", s.accessKeyId).el("SecretAccessKey", s.secret)
                .el("SessionToken", s.sessionToken).el("Expiration", s.expires).close("Credentials");
    }

    /** {@code responseElements.credentials} as CloudTrail writes it (without the secret; the token is left out too). */
    private static ObjectNode trailCredentials(Credential s) {
        ObjectNode re = JsonNodeFactory.instance.objectNode();
        ObjectNode cr = re.putObject("credentials");
        cr.put("accessKeyId", s.accessKeyId);
        cr.put("expiration", IamApi.TRAIL_DATE.format(s.expires));
        return re;
    }
}
