package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
    /** Sessions only (null for a long-term key). */
    final @Nullable String sessionToken;
    final Instant created;
    /** Sessions only (null for a long-term key). */
    final @Nullable Instant expires;

    /** Long-term keys, user sessions and federation tokens: the IAM user (the issuer for the last two). */
    @Nullable String userName;
    @Nullable String userId;
    @Nullable String userArn;

    /** Long-term keys only. */
    String status = "Active";
    @Nullable Instant lastUsedDate;
    @Nullable String lastUsedService;
    @Nullable String lastUsedRegion;
    /** The emulator's own administrator key: never subject to the propagation delay. */
    boolean bootstrap;

    /** Role sessions. */
    @Nullable String roleName;
    @Nullable String roleId;
    @Nullable String roleArn;
    @Nullable String sessionName;
    @Nullable String sourceIdentity;
    Map<String, String> sessionTags = Map.of();
    boolean chained;

    /** Federated users. */
    @Nullable String federatedName;

    /** Role sessions and federated users: the session policies (null = none given). */
    @Nullable List<String> sessionPolicies;

    Credential(Kind kind, String accessKeyId, String accountId, String secret, @Nullable String sessionToken,
               Instant created, @Nullable Instant expires) {
        this.kind = kind;
        this.accessKeyId = accessKeyId;
        this.accountId = accountId;
        this.secret = secret;
        this.sessionToken = sessionToken;
        this.created = created;
        this.expires = expires;
    }

    /** The IAM user's name: long-term keys, user sessions and federation tokens (the issuer); never a role session. */
    String iamUserName() {
        return present(userName, "an IAM user name");
    }

    /** The IAM user's ARN: long-term keys, user sessions and federation tokens (the issuer); never a role session. */
    String iamUserArn() {
        return present(userArn, "an IAM user ARN");
    }

    private String present(@Nullable String value, String what) {
        if (value == null) {
            throw new IllegalStateException(this + " has no " + what + " (a " + kind + " credential always has one)");
        }
        return value;
    }

    boolean isSession() {
        return kind != Kind.LONG_TERM;
    }

    /** The ARN the caller acts as. */
    String principalArn() {
        return switch (kind) {
            case LONG_TERM, USER_SESSION -> iamUserArn();
            case ROLE_SESSION -> "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
            case FEDERATED -> "arn:aws:sts::" + accountId + ":federated-user/" + federatedName;
        };
    }

    /** The caller's unique id as GetCallerIdentity reports it. */
    String principalId() {
        return switch (kind) {
            case LONG_TERM, USER_SESSION -> present(userId, "an IAM user id");
            case ROLE_SESSION -> roleId + ":" + sessionName;
            case FEDERATED -> accountId + ":" + federatedName;
        };
    }

    @Override
    public String toString() {
        return "Credential[" + kind + " " + accessKeyId + "]";
    }
}
