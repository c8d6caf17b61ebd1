package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one IAM user and everything attached to it, for tests that assert what was created or that nothing
 * was left behind.
 *
 * @param accountId                  the account
 * @param userName                   the name
 * @param path                       the path
 * @param userId                     the {@code AIDA…} id
 * @param arn                        the ARN
 * @param createDate                 creation time
 * @param tags                       tags, in the order set
 * @param inlinePolicies             inline policy name → document
 * @param attachedPolicyArns         attached managed policies
 * @param groups                     group names
 * @param permissionsBoundaryArn     the boundary, or {@code null}
 * @param accessKeys                 its access keys
 * @param loginProfile               whether it has a console password
 * @param mfaDevices                 MFA devices enabled for it
 * @param sshPublicKeys              SSH public keys uploaded
 * @param signingCertificates        signing certificates uploaded
 * @param serviceSpecificCredentials service-specific credentials
 *
 * @since 0.1.0
 */
public record IamUserView(String accountId, String userName, String path, String userId, String arn,
                          Instant createDate, Map<String, String> tags, Map<String, String> inlinePolicies,
                          List<String> attachedPolicyArns, List<String> groups, @Nullable String permissionsBoundaryArn,
                          List<AccessKeyView> accessKeys, boolean loginProfile, int mfaDevices, int sshPublicKeys,
                          int signingCertificates, int serviceSpecificCredentials) {
}
