package io.canarykit.cloudtrail;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The {@code userIdentity} of a CloudTrail record: who made the call. Every field may be {@code null}: records of AWS
 * services carry only {@code invokedBy}, trimmed test fixtures omit {@code type}, and {@code accessKeyId} "might not
 * be present, or might be displayed as an empty string" (an empty string is read as {@code null}).
 *
 * @param type            {@code IAMUser}, {@code AssumedRole}, {@code FederatedUser}, {@code Root}, {@code AWSService},
 *                        {@code AWSAccount}, {@code Unknown}, ... or {@code null}
 * @param principalId     {@code AIDA…}, {@code AROA…:<session>}, {@code <account>:<name>}, ... or {@code null}
 * @param arn             the caller's ARN ({@code arn:aws:sts::…:assumed-role/<role>/<session>} for sessions), or
 *                        {@code null}
 * @param accountId       the caller's account, or {@code null}
 * @param accessKeyId     the access key id the call was signed with, or {@code null}
 * @param userName        the IAM user name (or, in some records, the role name), or {@code null}
 * @param invokedBy       the AWS service that made the call on the caller's behalf, or {@code null}
 * @param sessionIssuer   where temporary credentials came from, or {@code null} for long-term credentials
 * @param sessionCreated  {@code sessionContext.attributes.creationDate}, or {@code null}
 *
 * @since 0.1.0
 */
public record UserIdentity(
        @Nullable String type,
        @Nullable String principalId,
        @Nullable String arn,
        @Nullable String accountId,
        @Nullable String accessKeyId,
        @Nullable String userName,
        @Nullable String invokedBy,
        @Nullable SessionIssuer sessionIssuer,
        @Nullable Instant sessionCreated) {

    /**
     * The principal name the caller is known by: the IAM user name, the role session name, or the federated user name,
     * taken from the ARN (the last path segment), else from {@code userName}; {@code null} when neither is present.
     */
    public @Nullable String principalName() {
        String fromArn = principalNameFromArn(arn);
        return fromArn != null ? fromArn : userName;
    }

    /**
     * The principal name in an ARN: the segment after the last {@code /} of the resource part
     * ({@code user/path/name → name}, {@code assumed-role/role/session → session}, {@code federated-user/name → name}),
     * or {@code null} if the ARN has no such segment (a root ARN, or {@code null}).
     */
    public static @Nullable String principalNameFromArn(@Nullable String arn) {
        if (arn == null) {
            return null;
        }
        int colon = arn.lastIndexOf(':');
        int slash = arn.lastIndexOf('/');
        if (slash < 0 || slash < colon || slash == arn.length() - 1) {
            return null;
        }
        return arn.substring(slash + 1);
    }
}
