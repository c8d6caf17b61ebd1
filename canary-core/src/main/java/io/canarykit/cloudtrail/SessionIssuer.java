package io.canarykit.cloudtrail;

import org.jspecify.annotations.Nullable;

/**
 * The {@code userIdentity.sessionContext.sessionIssuer} of a record made with temporary credentials: the role an
 * assumed-role session came from, or the IAM user (or root) that called {@code GetFederationToken} or
 * {@code GetSessionToken}. Every field may be {@code null} (CloudTrail often sends {@code {}}).
 *
 * @param type        {@code Role}, {@code IAMUser}, {@code Root}, or {@code null}
 * @param principalId the issuer's unique id, or {@code null}
 * @param arn         the issuer's ARN (an IAM role ARN keeps its path), or {@code null}
 * @param accountId   the issuer's account, or {@code null}
 * @param userName    the role or user name, or {@code null}
 *
 * @since 0.1.0
 */
public record SessionIssuer(@Nullable String type, @Nullable String principalId, @Nullable String arn,
                            @Nullable String accountId, @Nullable String userName) {

    /** True if no field is set (CloudTrail's {@code "sessionIssuer": {}}). */
    public boolean isEmpty() {
        return type == null && principalId == null && arn == null && accountId == null && userName == null;
    }
}
