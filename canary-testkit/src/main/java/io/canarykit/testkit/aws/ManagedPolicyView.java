package io.canarykit.testkit.aws;

import java.time.Instant;

/**
 * A snapshot of one customer managed policy.
 *
 * @param accountId          the account
 * @param policyName         the name
 * @param path               the path
 * @param arn                the ARN
 * @param policyId           the {@code ANPA…} id
 * @param createDate         creation time
 * @param document           the default version's document
 * @param attachmentCount    users, groups and roles it is attached to
 * @param boundaryUsageCount users and roles that use it as permissions boundary
 *
 * @since 0.1.0
 */
public record ManagedPolicyView(String accountId, String policyName, String path, String arn, String policyId,
                                Instant createDate, String document, int attachmentCount, int boundaryUsageCount) {
}
