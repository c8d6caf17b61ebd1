package io.canarykit.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the simulator knows about the caller, from its ARN. */
final class PrincipalInfo {
    enum Kind { IAM_USER, ASSUMED_ROLE, FEDERATED_USER, ROLE, ROOT, SERVICE, ANONYMOUS, OTHER }

    final Kind kind;
    final String arn;
    final @Nullable String account;
    final String partition;
    /** user name, role name, federated user name; {@code null} otherwise. */
    final @Nullable String name;
    /** for an assumed role: the role name (without path). */
    final @Nullable String roleName;

    private PrincipalInfo(Kind kind, String arn, @Nullable String account, String partition, @Nullable String name,
                          @Nullable String roleName) {
        this.kind = kind;
        this.arn = arn;
        this.account = account;
        this.partition = partition;
        this.name = name;
        this.roleName = roleName;
    }

    static PrincipalInfo of(String arn, @Nullable String account) {
        String partition = Arns.partition(arn);
        if (arn.equals("*") || arn.equalsIgnoreCase("anonymous")) {
            return new PrincipalInfo(Kind.ANONYMOUS, arn, account, partition, null, null);
        }
        if (!arn.startsWith("arn:")) {
            Kind k = arn.endsWith(".amazonaws.com") || arn.endsWith(".amazonaws.com.cn") ? Kind.SERVICE : Kind.OTHER;
            return new PrincipalInfo(k, arn, account, partition, null, null);
        }
        String service = Arns.service(arn);
        String res = Arns.resourcePart(arn);
        if (res == null) {
            return new PrincipalInfo(Kind.OTHER, arn, account, partition, null, null);
        }
        if ("iam".equals(service)) {
            if (res.equals("root")) {
                return new PrincipalInfo(Kind.ROOT, arn, account, partition, null, null);
            }
            if (res.startsWith("user/")) {
                return new PrincipalInfo(Kind.IAM_USER, arn, account, partition, res.substring(res.lastIndexOf('/') + 1),
                        null);
            }
            if (res.startsWith("role/")) {
                String roleName = res.substring(res.lastIndexOf('/') + 1);
                return new PrincipalInfo(Kind.ROLE, arn, account, partition, roleName, roleName);
            }
        }
        if ("sts".equals(service)) {
            if (res.startsWith("assumed-role/")) {
                String[] parts = res.split("/", 3);
                if (parts.length == 3) {
                    return new PrincipalInfo(Kind.ASSUMED_ROLE, arn, account, partition, parts[2], parts[1]);
                }
            }
            if (res.startsWith("federated-user/")) {
                return new PrincipalInfo(Kind.FEDERATED_USER, arn, account, partition,
                        res.substring("federated-user/".length()), null);
            }
        }
        return new PrincipalInfo(Kind.OTHER, arn, account, partition, null, null);
    }

    /** The ARN IAM puts in {@code aws:PrincipalArn}: the role (without path) for an assumed-role session. */
    String principalArnKey() {
        if (kind == Kind.ASSUMED_ROLE) {
            return "arn:" + partition + ":iam::" + account + ":role/" + roleName;
        }
        return arn;
    }

    /** Whether this principal is subject to identity-based policies at all. */
    boolean hasIdentityPolicies() {
        return kind == Kind.IAM_USER || kind == Kind.ASSUMED_ROLE || kind == Kind.FEDERATED_USER || kind == Kind.ROLE
                || kind == Kind.OTHER;
    }

    Map<String, List<String>> derivedKeys() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (kind == Kind.ANONYMOUS || kind == Kind.SERVICE) {
            return m;
        }
        m.put("aws:PrincipalArn", List.of(principalArnKey()));
        if (account != null) {
            m.put("aws:PrincipalAccount", List.of(account));
        }
        String type = switch (kind) {
            case IAM_USER -> "User";
            case ASSUMED_ROLE, ROLE -> "AssumedRole";
            case FEDERATED_USER -> "FederatedUser";
            case ROOT -> "Account";
            default -> null;
        };
        if (type != null) {
            m.put("aws:PrincipalType", List.of(type));
        }
        if (kind == Kind.IAM_USER) {
            m.put("aws:username", List.of(name));
        }
        return m;
    }

    String describe() {
        return switch (kind) {
            case IAM_USER -> "IAM user " + name;
            case ASSUMED_ROLE -> "role session " + name + " of role " + roleName;
            case FEDERATED_USER -> "federated user " + name;
            case ROLE -> "role " + name;
            case ROOT -> "the root user of account " + account;
            case SERVICE -> "service principal " + arn;
            case ANONYMOUS -> "an anonymous caller";
            default -> arn;
        };
    }
}
