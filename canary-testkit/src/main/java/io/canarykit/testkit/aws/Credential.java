package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One access key id the emulator knows: a long-term IAM user key or an STS session. Mutable fields are guarded by the
 * engine's lock. Never printed: {@link #toString()} shows the id only.
 */
final class Credential {
    enum Kind { LONG_TERM, USER_SESSION, ROLE_SESSION, FEDERATED }

    final Kind kind;
    final String accessKeyId;
    final String accountId;
    final String secret;
    final String sessionToken;
    final Instant created;
    final Instant expires;

    /** Long-term keys, user sessions and federation tokens: the IAM user (the issuer for the last two). */
    String userName;
    String userId;
    String userArn;

    /** Long-term keys only. */
    String status = "Active";
    Instant lastUsedDate;
    String lastUsedService;
    String lastUsedRegion;
    /** The emulator's own administrator key: never subject to the propagation delay. */
    boolean bootstrap;

    /** Role sessions. */
    String roleName;
    String roleId;
    String roleArn;
    String sessionName;
    String sourceIdentity;
    Map<String, String> sessionTags = Map.of();
    boolean chained;

    /** Federated users. */
    String federatedName;

    /** Role sessions and federated users: the session policies (null = none given). */
    List<String> sessionPolicies;

    Credential(Kind kind, String accessKeyId, String accountId, String secret, String sessionToken,
               Instant created, Instant expires) {
        this.kind = kind;
        this.accessKeyId = accessKeyId;
        this.accountId = accountId;
        this.secret = secret;
        this.sessionToken = sessionToken;
        this.created = created;
        this.expires = expires;
    }

    boolean isSession() {
        return kind != Kind.LONG_TERM;
    }

    /** The ARN the caller acts as. */
    String principalArn() {
        return switch (kind) {
            case LONG_TERM, USER_SESSION -> userArn;
            case ROLE_SESSION -> "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
            case FEDERATED -> "arn:aws:sts::" + accountId + ":federated-user/" + federatedName;
        };
    }

    /** The caller's unique id as GetCallerIdentity reports it. */
    String principalId() {
        return switch (kind) {
            case LONG_TERM, USER_SESSION -> userId;
            case ROLE_SESSION -> roleId + ":" + sessionName;
            case FEDERATED -> accountId + ":" + federatedName;
        };
    }

    @Override
    public String toString() {
        return "Credential[" + kind + " " + accessKeyId + "]";
    }
}
