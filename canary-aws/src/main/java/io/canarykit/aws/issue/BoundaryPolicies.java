package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.policy.CanaryPolicySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure the deny-all permissions boundary a policy set names exists in the account: shared infrastructure,
 * created once per account ({@code GetPolicy}, and {@code CreatePolicy} when missing), then remembered.
 */
final class BoundaryPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(BoundaryPolicies.class);

    private final IamClient iam;
    private final String accountId;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    BoundaryPolicies(IamClient iam, String accountId) {
        this.iam = iam;
        this.accountId = accountId;
    }

    /** Checks that the boundary ARN is in this account (before any AWS call). */
    void validate(CanaryPolicySet policies) {
        String arn = policies.boundaryArn();
        if (arn != null && !arn.startsWith("arn:aws:iam::aws:policy/") && !arn.contains(":" + accountId + ":policy/")) {
            throw new CanaryConfigurationException("the permissions boundary " + arn + " is not in account "
                    + accountId + ": harden the policies for the account that issues the canary");
        }
    }

    /**
     * Creates the boundary policy if the set carries its document and it does not exist yet.
     *
     * @throws CanaryException if AWS failed
     */
    void ensure(CanaryPolicySet policies) {
        String arn = policies.boundaryArn();
        if (arn == null || policies.boundaryPolicy() == null || known.contains(arn)) {
            return;
        }
        try {
            iam.getPolicy(b -> b.policyArn(arn));
            known.add(arn);
            return;
        } catch (SdkException e) {
            if (!AwsErrors.is(e, "NoSuchEntity")) {
                throw new CanaryException("GetPolicy for the permissions boundary " + arn + " failed: "
                        + AwsErrors.describe(e), e);
            }
        }
        try {
            iam.createPolicy(b -> b.policyName(policies.boundaryPolicyName()).path(policies.boundaryPolicyPath())
                    .policyDocument(policies.boundaryPolicy())
                    .description("Permissions boundary"));
            LOG.debug("created permissions boundary {}", arn);
        } catch (SdkException e) {
            if (!AwsErrors.is(e, "EntityAlreadyExists")) {
                throw new CanaryException("CreatePolicy for the permissions boundary " + arn + " failed: "
                        + AwsErrors.describe(e) + "; create it once by hand or grant iam:CreatePolicy", e);
            }
        }
        known.add(arn);
    }
}
