package io.canarykit.cloudtrail;

import org.jspecify.annotations.Nullable;

/**
 * The few {@code requestParameters} of a record that detection reads: those naming an IAM user and a policy, as in
 * {@code iam:AttachUserPolicy} and {@code iam:PutUserPolicy} (AWS attaching its compromised-key quarantine policy to a
 * user names the user, never the key). Only string values directly inside {@code requestParameters} are kept; any
 * other value is read as absent. Every field may be {@code null}.
 *
 * @param userName   {@code requestParameters.userName}, or {@code null}
 * @param policyArn  {@code requestParameters.policyArn}, or {@code null}
 * @param policyName {@code requestParameters.policyName}, or {@code null}
 *
 * @since 0.1.0
 */
public record RequestParameters(@Nullable String userName, @Nullable String policyArn, @Nullable String policyName) {

    /** True if no field is set. */
    public boolean isEmpty() {
        return userName == null && policyArn == null && policyName == null;
    }
}
