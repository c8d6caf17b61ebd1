package io.canarykit.testkit.aws;

/**
 * The IAM quotas the emulator enforces. {@link #aws()} gives AWS's real values; tests that want to hit a quota
 * quickly can lower one with the {@code with…} methods.
 *
 * @param usersPerAccount    IAM users per account (AWS: 5,000)
 * @param accessKeysPerUser  access keys per user (AWS: 2)
 * @param userPolicySize     aggregate non-whitespace characters of a user's inline policies (AWS: 2,048)
 * @param tagsPerEntity      tags per user or role (AWS: 50)
 * @param rolesPerAccount    roles per account (AWS: 1,000)
 * @param rolePolicySize     aggregate inline policy size per role (AWS: 10,240)
 * @param groupPolicySize    aggregate inline policy size per group (AWS: 5,120)
 * @param managedPolicySize  one managed policy document (AWS: 6,144)
 * @param trustPolicySize    one role trust policy (AWS: 2,048)
 * @param attachedPolicies   managed policies attached per user, group or role (AWS: 10)
 * @param groupsPerUser      groups a user can belong to (AWS: 10)
 *
 * @since 0.1.0
 */
public record IamQuotas(int usersPerAccount, int accessKeysPerUser, int userPolicySize, int tagsPerEntity,
                        int rolesPerAccount, int rolePolicySize, int groupPolicySize, int managedPolicySize,
                        int trustPolicySize, int attachedPolicies, int groupsPerUser) {

    public IamQuotas {
        if (usersPerAccount < 1 || accessKeysPerUser < 1 || userPolicySize < 1 || tagsPerEntity < 1
                || rolesPerAccount < 1 || rolePolicySize < 1 || groupPolicySize < 1 || managedPolicySize < 1
                || trustPolicySize < 1 || attachedPolicies < 1 || groupsPerUser < 1) {
            throw new IllegalArgumentException("every IAM quota must be at least 1");
        }
    }

    /** AWS's quotas. */
    public static IamQuotas aws() {
        return new IamQuotas(5000, 2, 2048, 50, 1000, 10240, 5120, 6144, 2048, 10, 10);
    }

    /** A copy with another users-per-account quota. */
    public IamQuotas withUsersPerAccount(int n) {
        return new IamQuotas(n, accessKeysPerUser, userPolicySize, tagsPerEntity, rolesPerAccount, rolePolicySize,
                groupPolicySize, managedPolicySize, trustPolicySize, attachedPolicies, groupsPerUser);
    }

    /** A copy with another roles-per-account quota. */
    public IamQuotas withRolesPerAccount(int n) {
        return new IamQuotas(usersPerAccount, accessKeysPerUser, userPolicySize, tagsPerEntity, n, rolePolicySize,
                groupPolicySize, managedPolicySize, trustPolicySize, attachedPolicies, groupsPerUser);
    }
}
