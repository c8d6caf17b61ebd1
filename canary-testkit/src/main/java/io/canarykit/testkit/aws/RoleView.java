package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one IAM role.
 *
 * @param accountId              the account
 * @param roleName               the name
 * @param path                   the path
 * @param roleId                 the {@code AROA…} id
 * @param arn                    the ARN
 * @param createDate             creation time
 * @param trustPolicy            the assume-role policy document
 * @param maxSessionDuration     seconds
 * @param inlinePolicies         inline policy name → document
 * @param attachedPolicyArns     attached managed policies
 * @param permissionsBoundaryArn the boundary, or {@code null}
 * @param tags                   tags
 *
 * @since 0.1.0
 */
public record RoleView(String accountId, String roleName, String path, String roleId, String arn, Instant createDate,
                       String trustPolicy, int maxSessionDuration, Map<String, String> inlinePolicies,
                       List<String> attachedPolicyArns, @Nullable String permissionsBoundaryArn,
                       Map<String, String> tags) {
}
